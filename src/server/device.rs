//! Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser
//! that signed in as a user carries a note, signed by the server, naming the users it signed
//! in as. Its later attempts for those users are throttled on their own, so failures from
//! anywhere else never keep that browser out.
//!
//! The note is `v1.<id>.<issued>.<users>.<mac>`: a random id, the issue time (seconds), the
//! usernames (base64url, comma-separated, newest first, at most [`MAX_USERS`]) and an
//! HMAC-SHA256 over the rest, keyed by a secret kept in the database so that every instance
//! reads the others' cookies.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::db::Db;

pub const DEVICE_COOKIE: &str = "contactdesk_device";
/// A shared workstation remembers this many users; the oldest drops off.
const MAX_USERS: usize = 8;
const KEY_NAME: &str = "device_cookie_key";

/// The server's signing key for device cookies.
#[derive(Clone)]
pub struct DeviceKey([u8; 32]);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKey(redacted)")
    }
}

/// A valid device cookie's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    id: String,
    usernames: Vec<String>,
}

impl Device {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether this browser signed in as `username` before.
    pub fn knows(&self, username: &str) -> bool {
        self.usernames.iter().any(|u| u == username)
    }
}

fn random_b64<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl DeviceKey {
    /// The key stored in the database, made by whichever instance started first.
    pub async fn load(db: &Db) -> Result<Self, sqlx::Error> {
        let stored = db.meta_value_or_insert(KEY_NAME, &random_b64::<32>()).await?;
        let bytes = URL_SAFE_NO_PAD.decode(stored.as_bytes()).unwrap_or_default();
        let key = <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| sqlx::Error::Protocol(format!("app_meta.{KEY_NAME} is not a 32-byte key")))?;
        Ok(Self(key))
    }

    fn mac(&self, body: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(body.as_bytes());
        mac
    }

    /// The device a cookie value names, if its signature holds and it is younger than `max_age_s`.
    pub fn read(&self, value: &str, now_s: i64, max_age_s: i64) -> Option<Device> {
        let (body, signature) = value.rsplit_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        self.mac(body).verify_slice(&signature).ok()?;
        let mut parts = body.split('.');
        let (Some("v1"), Some(id), Some(issued), Some(users), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let issued: i64 = issued.parse().ok()?;
        if now_s - issued > max_age_s || issued > now_s + 60 {
            return None;
        }
        let users = String::from_utf8(URL_SAFE_NO_PAD.decode(users).ok()?).ok()?;
        let usernames = users.split(',').filter(|u| !u.is_empty()).map(str::to_owned).collect();
        Some(Device { id: id.to_owned(), usernames })
    }

    /// A cookie value for this browser after `username` signed in: the same device (a new one
    /// if it had none), that user first.
    pub fn issue(&self, previous: Option<&Device>, username: &str, now_s: i64) -> String {
        let id = previous.map_or_else(random_b64::<16>, |d| d.id.clone());
        let mut usernames = vec![username.to_owned()];
        if let Some(d) = previous {
            usernames.extend(d.usernames.iter().filter(|u| *u != username).cloned());
        }
        usernames.truncate(MAX_USERS);
        let body = format!("v1.{id}.{now_s}.{}", URL_SAFE_NO_PAD.encode(usernames.join(",")));
        let signature = URL_SAFE_NO_PAD.encode(self.mac(&body).finalize().into_bytes());
        format!("{body}.{signature}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn a_device_cookie_names_its_users_and_cannot_be_forged() {
        let key = DeviceKey([7; 32]);
        let first = key.issue(None, "jean", 1_000);
        let device = key.read(&first, 1_000, DAY).unwrap();
        assert!(device.knows("jean") && !device.knows("admin"));
        let second = key.issue(Some(&device), "priya", 2_000);
        let again = key.read(&second, 2_000, DAY).unwrap();
        assert_eq!(again.id(), device.id(), "the same browser keeps its id");
        assert!(again.knows("jean") && again.knows("priya"));

        // Another user's name written in, or another key: refused.
        let (body, sig) = first.rsplit_once('.').unwrap();
        let forged_users = URL_SAFE_NO_PAD.encode("admin");
        let parts: Vec<&str> = body.split('.').collect();
        let forged = format!("v1.{}.{}.{forged_users}.{sig}", parts[1], parts[2]);
        assert_eq!(key.read(&forged, 1_000, DAY), None);
        assert_eq!(DeviceKey([8; 32]).read(&first, 1_000, DAY), None);
        assert_eq!(key.read("garbage", 1_000, DAY), None);
        assert_eq!(key.read(&first, 1_000 + 2 * DAY, DAY), None, "too old");
    }

    #[test]
    fn a_shared_workstation_remembers_a_few_users() {
        let key = DeviceKey([7; 32]);
        let mut device = None;
        for i in 0..12 {
            let value = key.issue(device.as_ref(), &format!("agent{i}"), 1_000);
            device = key.read(&value, 1_000, DAY);
        }
        let device = device.unwrap();
        assert!(device.knows("agent11") && device.knows("agent4") && !device.knows("agent3"));
    }
}
