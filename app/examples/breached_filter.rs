//! Builds the breached-password filter the binary ships
//! (`app/src/domain/breached_passwords.bin`) from a list on standard input,
//! one password a line. Run by `scripts/breached-passwords`.

use app::domain::{
    breached::{encode, key_of},
    operator::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS},
};
use std::io::{BufRead, Write};

fn main() {
    let out = std::env::args().nth(1).expect("usage: breached_filter OUTPUT < passwords.txt");
    let mut keys = Vec::new();
    for line in std::io::stdin().lock().split(b'\n') {
        let line = line.expect("standard input can be read");
        // Lines that are not UTF-8 cannot be typed as a password here.
        let Ok(password) = String::from_utf8(line) else { continue };
        let password = password.strip_suffix('\r').unwrap_or(&password);
        // Only passwords Keyhold would otherwise accept matter.
        let chars = password.chars().count();
        if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
            keys.push(key_of(password));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    let filter = xorf::BinaryFuse16::try_from(&keys).expect("the filter can be built");
    let bytes = encode(&filter, keys.len() as u32);
    std::fs::File::create(&out).and_then(|mut f| f.write_all(&bytes)).expect("the filter can be written");
    eprintln!("{} passwords, {} bytes -> {out}", keys.len(), bytes.len());
}
