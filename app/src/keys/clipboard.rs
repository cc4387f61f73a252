//! Copying text: the async Clipboard API where the browser has it, else the
//! old `execCommand("copy")` on a hidden, selected textarea.

use wasm_bindgen::JsCast;

pub async fn write(text: &str) -> Result<(), &'static str> {
    let window = web_sys::window().ok_or("No browser window to copy from.")?;
    let clipboard = window.navigator().clipboard();
    // `navigator.clipboard` is undefined on insecure origins and old browsers.
    if !wasm_bindgen::JsValue::from(clipboard.clone()).is_undefined() {
        let promise = clipboard.write_text(text);
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            return Ok(());
        }
    }
    fallback(&window, text)
}

fn fallback(window: &web_sys::Window, text: &str) -> Result<(), &'static str> {
    const FAILED: &str = "The browser did not allow copying. Select the token and copy it by hand.";
    let document = window.document().ok_or(FAILED)?;
    let area: web_sys::HtmlTextAreaElement = document.create_element("textarea").map_err(|_| FAILED)?.unchecked_into();
    area.set_value(text);
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("aria-hidden", "true");
    let _ = area.set_attribute("style", "position:fixed;top:0;left:0;opacity:0;");
    // Inside an open modal dialog only the dialog can take focus.
    let host = document.query_selector("dialog[open]").ok().flatten().or_else(|| document.body().map(Into::into)).ok_or(FAILED)?;
    host.append_child(&area).map_err(|_| FAILED)?;
    area.select();
    let copied = document.dyn_ref::<web_sys::HtmlDocument>().map(|d| d.exec_command("copy").unwrap_or(false)).unwrap_or(false);
    area.remove();
    if copied {
        Ok(())
    } else {
        Err(FAILED)
    }
}
