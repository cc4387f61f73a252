use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="page narrow">
            <h1>"Page not found"</h1>
            <p>
                "There is nothing at this address. " <a href="/keys">"Go to the Keys page"</a> "."
            </p>
        </main>
    }
}
