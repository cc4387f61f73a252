//! Which keys a list shows, in what order, and from where: the filter
//! (search, status, account), the sort, and the position in the list as a
//! keyset cursor. The Keys page and the management API hand a [`KeyQuery`]
//! to the store and get a [`KeyPage`] back.
//!
//! A cursor names the place of one key in the sort order (its sort value
//! and id), never an offset: a page after it starts right behind that key,
//! however many keys were added or removed elsewhere in the meantime.

use super::key::ApiKey;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Keys on one page of the Keys page.
pub const PAGE_SIZE: i64 = 50;
/// Most keys one page may hold (the management API's largest `limit`).
pub const MAX_PAGE_SIZE: i64 = 200;
/// Totals up to this many are counted exactly; above, they are estimated.
pub const EXACT_COUNT_LIMIT: i64 = 10_000;

/// The field names of a list's parameters, for their error messages.
pub mod param {
    pub const STATUS: &str = "status";
    pub const ACCOUNT: &str = "account";
    pub const SORT: &str = "sort";
    pub const CURSOR: &str = "cursor";
}

/// The "Status" filter. A key is blocked, else expired, else active (see
/// [`KeyStatus`](super::key_status::KeyStatus)); "webhook failing" is
/// independent of that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum StatusFilter {
    #[default]
    All,
    Active,
    Blocked,
    Expired,
    WebhookFailing,
}

impl StatusFilter {
    pub const EVERY: [StatusFilter; 5] =
        [StatusFilter::All, StatusFilter::Active, StatusFilter::Blocked, StatusFilter::Expired, StatusFilter::WebhookFailing];

    /// Its value in a URL; `All` is the empty value (no parameter).
    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::All => "",
            StatusFilter::Active => "active",
            StatusFilter::Blocked => "blocked",
            StatusFilter::Expired => "expired",
            StatusFilter::WebhookFailing => "webhook-failing",
        }
    }

    /// What the select shows.
    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::All => "All",
            StatusFilter::Active => "Active",
            StatusFilter::Blocked => "Blocked",
            StatusFilter::Expired => "Expired",
            StatusFilter::WebhookFailing => "Webhook failing",
        }
    }

    pub fn parse(value: &str) -> Result<Self, AppError> {
        let value = value.trim();
        Self::EVERY
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| AppError::invalid(param::STATUS, "Choose a status from the list: active, blocked, expired or webhook-failing."))
    }
}

/// The "Sort" select.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum KeySort {
    /// Newest created first.
    #[default]
    Newest,
    /// Oldest created first.
    Oldest,
    /// By name, A to Z, ignoring case.
    Name,
    /// Most recently used first; never used last.
    LastUsed,
}

impl KeySort {
    pub const EVERY: [KeySort; 4] = [KeySort::Newest, KeySort::Oldest, KeySort::Name, KeySort::LastUsed];

    /// Its value in a URL; `Newest` is the empty value (no parameter).
    pub fn as_str(self) -> &'static str {
        match self {
            KeySort::Newest => "",
            KeySort::Oldest => "oldest",
            KeySort::Name => "name",
            KeySort::LastUsed => "last-used",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            KeySort::Newest => "Newest",
            KeySort::Oldest => "Oldest",
            KeySort::Name => "Name",
            KeySort::LastUsed => "Last used",
        }
    }

    pub fn parse(value: &str) -> Result<Self, AppError> {
        let value = value.trim();
        Self::EVERY
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| AppError::invalid(param::SORT, "Choose a sort from the list: oldest, name or last-used."))
    }
}

/// Which keys: all conditions must hold.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct KeyFilter {
    /// Part of the name, ignoring case; empty for any name. Trimmed.
    pub search: String,
    pub status: StatusFilter,
    /// Only keys granting this account.
    pub account: Option<Uuid>,
}

impl KeyFilter {
    /// A search longer than any name, or holding a character no name may
    /// hold (a control character, NUL among them), can match nothing; the
    /// store answers it without asking the database.
    pub fn matches_nothing(&self) -> bool {
        self.search.chars().count() > super::names::MAX_LEN || self.search.chars().any(char::is_control)
    }
}

/// The sort value of one key, as a cursor holds it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SortValue {
    Created(DateTime<Utc>),
    /// The name as stored; the store compares it ignoring case.
    Name(String),
    /// `None` sorts after every time (never used).
    LastUsed(Option<DateTime<Utc>>),
}

/// The place of one key in a sort order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor {
    pub value: SortValue,
    pub id: Uuid,
}

impl Cursor {
    /// Where `key` stands in `sort`.
    pub fn of(key: &ApiKey, sort: KeySort) -> Self {
        let value = match sort {
            KeySort::Newest | KeySort::Oldest => SortValue::Created(key.created_at),
            KeySort::Name => SortValue::Name(key.name.clone()),
            KeySort::LastUsed => SortValue::LastUsed(key.last_used_at),
        };
        Cursor { value, id: key.id }
    }

    /// The cursor as a URL-safe string (base64url of `tag id value`).
    #[cfg(feature = "ssr")]
    pub fn encode(&self) -> String {
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        let (tag, value) = match &self.value {
            SortValue::Created(at) => ('c', at.timestamp_micros().to_string()),
            SortValue::Name(name) => ('n', name.clone()),
            SortValue::LastUsed(at) => ('u', at.map(|at| at.timestamp_micros().to_string()).unwrap_or_default()),
        };
        URL_SAFE_NO_PAD.encode(format!("{tag}{} {value}", self.id.simple()))
    }

    /// Reads a cursor made by [`Cursor::encode`] for `sort`. Anything else
    /// (damaged, or made for another sort) is a clear error.
    #[cfg(feature = "ssr")]
    pub fn decode(text: &str, sort: KeySort) -> Result<Self, AppError> {
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        let bad = || AppError::invalid(param::CURSOR, "This page link is damaged or out of date. Go back to the first page.");
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let mut chars = text.chars();
        let tag = chars.next().ok_or_else(bad)?;
        let (id, value) = chars.as_str().split_once(' ').ok_or_else(bad)?;
        let id = Uuid::try_parse(id).map_err(|_| bad())?;
        let micros = |v: &str| v.parse::<i64>().ok().and_then(DateTime::<Utc>::from_timestamp_micros).ok_or_else(bad);
        let value = match (tag, sort) {
            ('c', KeySort::Newest | KeySort::Oldest) => SortValue::Created(micros(value)?),
            ('n', KeySort::Name) if !value.is_empty() => SortValue::Name(value.to_owned()),
            ('u', KeySort::LastUsed) if value.is_empty() => SortValue::LastUsed(None),
            ('u', KeySort::LastUsed) => SortValue::LastUsed(Some(micros(value)?)),
            _ => return Err(bad()),
        };
        Ok(Cursor { value, id })
    }
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Position {
    #[default]
    First,
    /// The keys right after this one.
    After(Cursor),
    /// The keys right before this one.
    Before(Cursor),
}

/// One page of keys to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyQuery {
    pub filter: KeyFilter,
    pub sort: KeySort,
    pub position: Position,
    /// 1..=[`MAX_PAGE_SIZE`] keys.
    pub limit: i64,
}

impl Default for KeyQuery {
    fn default() -> Self {
        KeyQuery { filter: KeyFilter::default(), sort: KeySort::default(), position: Position::First, limit: PAGE_SIZE }
    }
}

/// How many keys match a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyCount {
    Exact(i64),
    /// More than [`EXACT_COUNT_LIMIT`]: the database's estimate.
    About(i64),
}

impl KeyCount {
    /// "1 key", "12,345 keys", "about 1,000,000 keys".
    pub fn text(self) -> String {
        match self {
            KeyCount::Exact(1) => "1 key".into(),
            KeyCount::Exact(n) => format!("{} keys", thousands(n)),
            KeyCount::About(n) => format!("about {} keys", thousands(round_estimate(n))),
        }
    }
}

/// An estimate to two significant digits (123,456 → 120,000).
fn round_estimate(n: i64) -> i64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n + unit / 2) / unit * unit
}

fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A link to another page of the same list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PageLink {
    First,
    /// An encoded cursor: the keys after it.
    After(String),
    /// An encoded cursor: the keys before it.
    Before(String),
}

/// One page of keys, the links to its neighbours and the total.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KeyPage {
    pub keys: Vec<ApiKey>,
    /// The page before this one; `None` on the first page.
    pub previous: Option<PageLink>,
    /// The page after this one; `None` on the last page.
    pub next: Option<PageLink>,
    /// How many keys match the filter, on every page together.
    pub total: KeyCount,
}

impl KeyPage {
    /// A page without keys and without neighbours.
    pub fn empty() -> Self {
        KeyPage { keys: Vec::new(), previous: None, next: None, total: KeyCount::Exact(0) }
    }
}

/// A list's parameters as the URL carries them (`/keys?q=&status=&account=
/// &sort=&after=&before=`): strings, empty when absent. The server turns them
/// into a [`KeyQuery`]; the page builds its links from them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub after: String,
    #[serde(default)]
    pub before: String,
}

impl ListParams {
    /// The same list from its first page.
    pub fn first_page(&self) -> Self {
        ListParams { after: String::new(), before: String::new(), ..self.clone() }
    }

    /// The same list at `link`.
    pub fn at(&self, link: &PageLink) -> Self {
        let first = self.first_page();
        match link {
            PageLink::First => first,
            PageLink::After(c) => ListParams { after: c.clone(), ..first },
            PageLink::Before(c) => ListParams { before: c.clone(), ..first },
        }
    }

    /// The `/keys` address of this list; empty parameters are left out.
    pub fn href(&self) -> String {
        let pairs = [
            ("q", self.q.trim()),
            ("status", self.status.as_str()),
            ("account", self.account.as_str()),
            ("sort", self.sort.as_str()),
            ("after", self.after.as_str()),
            ("before", self.before.as_str()),
        ];
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        let mut any = false;
        for (name, value) in pairs {
            if !value.is_empty() {
                query.append_pair(name, value);
                any = true;
            }
        }
        if any {
            format!("/keys?{}", query.finish())
        } else {
            "/keys".into()
        }
    }

    /// The query these parameters ask for, `limit` keys a page.
    #[cfg(feature = "ssr")]
    pub fn parse(&self, limit: i64) -> Result<KeyQuery, AppError> {
        let sort = KeySort::parse(&self.sort)?;
        let account = match self.account.trim() {
            "" => None,
            id => Some(Uuid::try_parse(id).map_err(|_| AppError::invalid(param::ACCOUNT, "Choose an account from the list."))?),
        };
        let position = match (self.after.trim(), self.before.trim()) {
            ("", "") => Position::First,
            (after, "") => Position::After(Cursor::decode(after, sort)?),
            ("", before) => Position::Before(Cursor::decode(before, sort)?),
            _ => return Err(AppError::invalid(param::CURSOR, "This page link is damaged or out of date. Go back to the first page.")),
        };
        Ok(KeyQuery {
            filter: KeyFilter { search: self.q.trim().to_owned(), status: StatusFilter::parse(&self.status)?, account },
            sort,
            position,
            limit: limit.clamp(1, MAX_PAGE_SIZE),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::key::Account;

    fn key(name: &str, micros: i64, last_used: Option<i64>) -> ApiKey {
        ApiKey {
            id: Uuid::new_v4(),
            name: name.into(),
            webhook_url: "https://example.com/hook".into(),
            accounts: vec![Account { id: Uuid::nil(), name: "Default".into() }],
            blocked: false,
            has_avatar: false,
            version: 1,
            created_at: DateTime::from_timestamp_micros(micros).unwrap(),
            expires_at: None,
            last_used_at: last_used.map(|m| DateTime::from_timestamp_micros(m).unwrap()),
            webhook_failing: false,
        }
    }

    #[test]
    fn a_search_no_name_could_match_is_known_without_the_database() {
        let search = |s: &str| KeyFilter { search: s.into(), ..KeyFilter::default() };
        assert!(!search("").matches_nothing());
        assert!(!search("billing eu").matches_nothing());
        assert!(!search(&"x".repeat(super::super::names::MAX_LEN)).matches_nothing());
        assert!(search(&"x".repeat(super::super::names::MAX_LEN + 1)).matches_nothing());
        assert!(search("bill\0ing").matches_nothing());
        assert!(search("line\nbreak").matches_nothing());
    }

    #[test]
    fn cursors_read_back_exactly_what_they_were_made_of_for_every_sort() {
        let keys = [key("Billing | EU ü", 1_764_000_000_123_456, Some(1_764_000_100_000_001)), key("x", 0, None)];
        for k in &keys {
            for sort in KeySort::EVERY {
                let cursor = Cursor::of(k, sort);
                let text = cursor.encode();
                assert!(text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{text} is URL-safe");
                assert_eq!(Cursor::decode(&text, sort).unwrap(), cursor, "{sort:?}");
            }
        }
    }

    #[test]
    fn a_damaged_cursor_or_one_made_for_another_sort_is_refused_with_a_message() {
        let k = key("Name", 1_000, Some(2_000));
        let newest = Cursor::of(&k, KeySort::Newest).encode();
        let by_name = Cursor::of(&k, KeySort::Name).encode();
        for (text, sort) in [
            ("", KeySort::Newest),
            ("!!!", KeySort::Newest),
            ("bm90IGEgY3Vyc29y", KeySort::Newest),
            (newest.as_str(), KeySort::Name),
            (newest.as_str(), KeySort::LastUsed),
            (by_name.as_str(), KeySort::Oldest),
        ] {
            let err = Cursor::decode(text, sort).unwrap_err();
            assert_eq!(
                err.field_message(param::CURSOR).as_deref(),
                Some("This page link is damaged or out of date. Go back to the first page.")
            );
        }
        // Newest and Oldest share the creation time.
        assert!(Cursor::decode(&newest, KeySort::Oldest).is_ok());
    }

    #[test]
    fn parameters_parse_into_a_query_and_refuse_what_is_not_on_the_list() {
        let account = Uuid::new_v4();
        let params = ListParams {
            q: "  bill ".into(),
            status: "blocked".into(),
            account: account.to_string(),
            sort: "name".into(),
            ..Default::default()
        };
        let query = params.parse(PAGE_SIZE).unwrap();
        assert_eq!(query.filter, KeyFilter { search: "bill".into(), status: StatusFilter::Blocked, account: Some(account) });
        assert_eq!(query.sort, KeySort::Name);
        assert_eq!(query.position, Position::First);
        assert_eq!(ListParams::default().parse(PAGE_SIZE).unwrap(), KeyQuery::default());
        assert_eq!(ListParams::default().parse(10_000).unwrap().limit, MAX_PAGE_SIZE);

        let bad = |p: ListParams, field: &str| assert!(p.parse(PAGE_SIZE).unwrap_err().field_message(field).is_some(), "{p:?}");
        bad(ListParams { status: "gone".into(), ..Default::default() }, param::STATUS);
        bad(ListParams { sort: "size".into(), ..Default::default() }, param::SORT);
        bad(ListParams { account: "acme".into(), ..Default::default() }, param::ACCOUNT);
        bad(ListParams { after: "x".into(), ..Default::default() }, param::CURSOR);
        let c = Cursor::of(&key("a", 1, None), KeySort::Newest).encode();
        bad(ListParams { after: c.clone(), before: c, ..Default::default() }, param::CURSOR);
    }

    #[test]
    fn links_keep_the_filter_and_drop_empty_parameters() {
        assert_eq!(ListParams::default().href(), "/keys");
        let params = ListParams { q: " a b&c ".into(), status: "blocked".into(), after: "old".into(), ..Default::default() };
        assert_eq!(params.href(), "/keys?q=a+b%26c&status=blocked&after=old");
        assert_eq!(params.first_page().href(), "/keys?q=a+b%26c&status=blocked");
        assert_eq!(params.at(&PageLink::Before("xyz".into())).href(), "/keys?q=a+b%26c&status=blocked&before=xyz");
        assert_eq!(params.at(&PageLink::After("n".into())).href(), "/keys?q=a+b%26c&status=blocked&after=n");
        assert_eq!(params.at(&PageLink::First).href(), "/keys?q=a+b%26c&status=blocked");
    }

    #[test]
    fn totals_read_as_words_and_estimates_say_about() {
        assert_eq!(KeyCount::Exact(0).text(), "0 keys");
        assert_eq!(KeyCount::Exact(1).text(), "1 key");
        assert_eq!(KeyCount::Exact(10_000).text(), "10,000 keys");
        assert_eq!(KeyCount::About(1_000_321).text(), "about 1,000,000 keys");
        assert_eq!(KeyCount::About(123_456).text(), "about 120,000 keys");
        assert_eq!(KeyCount::About(10_001).text(), "about 10,000 keys");
        assert_eq!(KeyCount::About(99_999).text(), "about 100,000 keys");
    }

    #[test]
    fn a_search_longer_than_any_name_matches_nothing() {
        assert!(KeyFilter { search: "k".repeat(101), ..Default::default() }.matches_nothing());
        assert!(!KeyFilter { search: "k".repeat(100), ..Default::default() }.matches_nothing());
    }
}
