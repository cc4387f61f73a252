//! A key's avatar: the uploaded image, or the name's initials on a colour
//! derived from the name. A blocked key carries a red dot.

use crate::domain::key::ApiKey;
use leptos::prelude::*;

/// Up to two initials: the first letters of the first two words.
pub fn initials(name: &str) -> String {
    let mut words = name.split_whitespace().filter_map(|w| w.chars().find(|c| c.is_alphanumeric()));
    let letters: String = words.by_ref().take(2).collect();
    let letters = if letters.is_empty() { name.chars().take(1).collect() } else { letters };
    letters.to_uppercase()
}

/// A hue (0–359) that is stable for a name: FNV-1a of its lowercase form.
pub fn hue(name: &str) -> u32 {
    let mut hash: u32 = 0x811c9dc5;
    for byte in name.to_lowercase().bytes() {
        hash ^= byte as u32;
        hash = hash.wrapping_mul(0x01000193);
    }
    hash % 360
}

#[component]
pub fn KeyAvatar(key: ApiKey) -> impl IntoView {
    let face = match key.avatar_url() {
        Some(src) => view! { <img class="avatar-img" src=src alt="" width="40" height="40" /> }.into_any(),
        None => view! {
            <span class="avatar-initials" style=format!("background-color: hsl({} 52% 42%)", hue(&key.name)) aria-hidden="true">
                {initials(&key.name)}
            </span>
        }
        .into_any(),
    };
    view! {
        <span class="avatar">
            {face}
            {key.blocked.then(|| view! { <span class="blocked-dot" role="img" aria-label="Blocked"></span> })}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("billing service prod"), "BS");
        assert_eq!(initials("stripe"), "S");
        assert_eq!(initials("  (beta) api "), "BA");
        assert_eq!(initials("ünïcode key"), "ÜK");
        assert_eq!(initials("!!!"), "!");
    }

    #[test]
    fn hue_is_stable_and_ignores_case() {
        assert_eq!(hue("Billing"), hue("billing"));
        assert!(hue("a") < 360);
        assert_ne!(hue("billing"), hue("shipping"));
    }
}
