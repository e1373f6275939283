//! Demo data: three accounts, ~200 Mauritian customers with policies and amounts due, their
//! corrections, and calls with short recordings.
//! Generated from a fixed seed, so every fresh demo database is the same.

use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};

use super::{
    auth::hash_password_async,
    calls::NewCall,
    db::{
        Db,
        contact_updates::SeededUpdate,
        contacts::NewContactRow,
        customers::{NewCustomer, NewPolicy},
    },
    storage::AudioStorage,
    time::now_ms,
};
use crate::{
    domain::{
        call::{CallId, Direction},
        contact::ContactStatus,
        phone::{PhoneNumber, is_withheld},
        user::Role,
    },
    error::AppError,
};

pub struct DemoLogin {
    pub username: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub password: &'static str,
}

/// Printed at start-up in demo mode; the passwords are public, so this is demo data only.
pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        username: "admin",
        name: "Anjali Doorgakant",
        role: Role::Admin,
        password: "demo-admin-2026",
    },
    DemoLogin { username: "priya", name: "Priya Ramdin", role: Role::Agent, password: "demo-agent-2026" },
    DemoLogin { username: "jean", name: "Jean-Marc Lafleur", role: Role::Agent, password: "demo-agent-2026" },
];

pub const DEMO_CUSTOMERS: usize = 200;

/// customer_id, name, mobile, email, policy number, amount due in cents.
type FixedCustomer =
    (&'static str, &'static str, Option<&'static str>, Option<&'static str>, &'static str, i64);

const FIRST_NAMES: &[&str] = &[
    "Kevin",
    "Priyanka",
    "Jean-Claude",
    "Marie-Josée",
    "Ravi",
    "Anushka",
    "Mohammad",
    "Fatima",
    "Wei Ling",
    "Li Mei",
    "Christophe",
    "Nathalie",
    "Deepak",
    "Kavita",
    "Yusuf",
    "Aisha",
    "Stéphane",
    "Céline",
    "Vikash",
    "Pooja",
    "Jean-Luc",
    "Sandrine",
    "Rajesh",
    "Sunita",
    "Ibrahim",
    "Nadia",
    "Laurent",
    "Émilie",
    "Arvind",
    "Shalini",
    "Dev",
    "Reshma",
    "Olivier",
    "Josiane",
    "Ashvin",
    "Nirmala",
    "Zaheer",
    "Shabnam",
    "Patrick",
    "Géraldine",
];

const LAST_NAMES: &[&str] = &[
    "Ramgoolam",
    "Jugnauth",
    "Bérenger",
    "Duval",
    "Boolell",
    "Seetanah",
    "Peerbocus",
    "Joomun",
    "Li Kwong Ken",
    "Ah-Chuen",
    "Lagesse",
    "de Spéville",
    "Dookhun",
    "Bhugaloo",
    "Ramdin",
    "Aumeer",
    "Laval",
    "Moutou",
    "Gopaul",
    "Ramsurrun",
    "Sookun",
    "Hossenbaccus",
    "Rosunee",
    "Noël",
    "Cheung Kai Suet",
    "Appadoo",
    "Veerapen",
    "Ramlugun",
    "Beeharry",
    "L'Entêté",
    "Curé",
    "Nundlall",
];

const DOMAINS: &[&str] =
    &["gmail.com", "yahoo.com", "intnet.mu", "hotmail.com", "orange.mu", "outlook.com", "myt.mu"];

const PAYMENT_STATUSES: &[(&str, u32)] = &[("pending", 70), ("paid", 20), ("overdue", 10)];

pub enum Seeded {
    Yes { customers: usize },
    AlreadyHasUsers,
}

/// Seeds the demo accounts and customers, unless the database already has users.
pub async fn seed_if_empty(db: &Db) -> Result<Seeded, AppError> {
    if db.count_users().await? > 0 {
        return Ok(Seeded::AlreadyHasUsers);
    }
    let now = now_ms();
    for login in DEMO_LOGINS {
        let hash = hash_password_async(login.password.to_owned()).await?;
        db.insert_user(login.username, login.name, login.role, &hash, now)
            .await
            .map_err(|e| super::error::internal("seeding a demo user", e))?;
    }
    let customers = demo_customers(DEMO_CUSTOMERS);
    db.insert_customers(&customers, now, true).await?;
    seed_updates(db, now).await?;
    tracing::info!(customers = customers.len(), "demo data seeded");
    Ok(Seeded::Yes { customers: customers.len() })
}

/// Demo corrections over the last three weeks, so the admin's report and dashboard have
/// something to show: the older ones synced, one rejected, the recent ones pending. They touch
/// generated customers only (index 100 on), never the ones the documents and tests name.
async fn seed_updates(db: &Db, now: i64) -> Result<(), AppError> {
    use crate::domain::contact_update::{UpdateReason, UpdateStatus};

    let agents: Vec<i64> = [db.user_by_username("priya").await?, db.user_by_username("jean").await?]
        .into_iter()
        .flatten()
        .map(|u| u.id)
        .collect();
    let admin = db.user_by_username("admin").await?.map_or(0, |u| u.id);
    if agents.is_empty() || admin == 0 {
        return Ok(());
    }
    for i in 0..36_i64 {
        let customer_id = format!("{}", 20_000 + (100 + i) * 7);
        let new_mobile = format!("+2305{:07}", 8_100_000 + i);
        let status = match i {
            20 => UpdateStatus::Rejected,
            i if i < 24 => UpdateStatus::Synced,
            _ => UpdateStatus::Pending,
        };
        let update = SeededUpdate {
            customer_id: &customer_id,
            new_mobile: &new_mobile,
            reason: UpdateReason::ALL[(i % 6) as usize].label(),
            agent_id: agents[(i as usize) % agents.len()],
            // Oldest first, about two a day.
            captured_at: now - (35 - i) * 13 * 3_600_000 - 3_600_000,
            status,
            decided_by: admin,
        };
        db.seed_update(&update).await?;
    }
    Ok(())
}

/// A demo call: who took it, the other party's number as the phone showed it, and when.
struct DemoCall {
    call_id: &'static str,
    agent: &'static str,
    phone: &'static str,
    direction: Direction,
    hours_ago: i64,
    seconds: u32,
}

/// The calls the demo shows on Call Logs and contact pages, one for each case the app handles:
/// customers' numbers, an unknown number (a New Lead is created for it), a withheld number (no
/// contact), and a family phone: Ibrahim Joomun's number is also his daughter's, a New Lead, so
/// the call goes to the one updated last with the other as its possible match.
const DEMO_CALLS: &[DemoCall] = &[
    DemoCall {
        call_id: "d3e0c0a1-0000-4000-8000-000000000001",
        agent: "priya",
        phone: "5737 2333",
        direction: Direction::Inbound,
        hours_ago: 50,
        seconds: 5,
    },
    DemoCall {
        call_id: "d3e0c0a1-0000-4000-8000-000000000002",
        agent: "jean",
        phone: "+230 5700 1122",
        direction: Direction::Outbound,
        hours_ago: 26,
        seconds: 4,
    },
    DemoCall {
        call_id: "d3e0c0a1-0000-4000-8000-000000000003",
        agent: "priya",
        phone: "5987 1234",
        direction: Direction::Inbound,
        hours_ago: 20,
        seconds: 3,
    },
    DemoCall {
        call_id: "d3e0c0a1-0000-4000-8000-000000000004",
        agent: "jean",
        phone: "private",
        direction: Direction::Inbound,
        hours_ago: 6,
        seconds: 3,
    },
    DemoCall {
        call_id: "d3e0c0a1-0000-4000-8000-000000000005",
        agent: "priya",
        phone: "5765 4321",
        direction: Direction::Inbound,
        hours_ago: 2,
        seconds: 6,
    },
    DemoCall {
        call_id: "d3e0c0a1-0000-4000-8000-000000000006",
        agent: "priya",
        phone: "0023057372333",
        direction: Direction::Outbound,
        hours_ago: 1,
        seconds: 4,
    },
];

/// Seeds the demo's calls with short recordings made here (a few seconds of tones, never kept
/// in the repository), stored as an upload stores them. Only into a database that has no call.
pub async fn seed_calls(db: &Db, recordings: &AudioStorage) -> Result<usize, AppError> {
    if db.count_calls().await? > 0 {
        return Ok(0);
    }
    // The family phone: the daughter, a New Lead, shares her father's number.
    let now = now_ms();
    let daughter = NewContactRow {
        name: "Nadia Joomun",
        status: ContactStatus::NewLead,
        mobile: Some("+23057654321"),
        email: None,
        shared_phone: true,
        now,
    };
    db.create_contact(&daughter).await?;
    for (n, demo) in DEMO_CALLS.iter().enumerate() {
        let Some(agent) = db.user_by_username(demo.agent).await? else { continue };
        let audio = tones(demo.seconds, n as u32);
        let mut staging =
            recordings.stage().await.map_err(|e| super::error::internal("seeding a call", e))?;
        staging.write(&audio).await.map_err(|e| super::error::internal("seeding a call", e))?;
        let audio_type = super::audio::recognise(staging.head()).ok_or(AppError::Internal)?;
        let staged = staging.finish().await.map_err(|e| super::error::internal("seeding a call", e))?;
        let call = NewCall {
            call_id: CallId::parse(demo.call_id)?,
            phone: if is_withheld(demo.phone) {
                None
            } else {
                Some(PhoneNumber::parse(demo.phone).map_err(|m| AppError::invalid("phone", m))?)
            },
            phone_raw: demo.phone.to_owned(),
            direction: demo.direction,
            started_at: now - demo.hours_ago * 3_600_000,
            duration_seconds: i64::from(demo.seconds),
            sha256: None,
        };
        super::calls::store(db, recordings, agent.id, None, call, staged, audio_type).await?;
    }
    tracing::info!(calls = DEMO_CALLS.len(), "demo calls seeded");
    Ok(DEMO_CALLS.len())
}

/// `seconds` of 8 kHz, 16-bit mono WAV: a few soft tones, different for each `seed`, so a
/// person hears that the player plays and seeks.
fn tones(seconds: u32, seed: u32) -> Vec<u8> {
    const RATE: u32 = 8_000;
    let samples = seconds * RATE;
    let mut wav = Vec::with_capacity(44 + 2 * samples as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + 2 * samples).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(2 * RATE).to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(2 * samples).to_le_bytes());
    // A new note every half second, from a pentatonic scale.
    const NOTES: [f32; 5] = [392.0, 440.0, 523.25, 587.33, 659.25];
    for i in 0..samples {
        let note = NOTES[((i / (RATE / 2) + seed) % 5) as usize];
        let t = i as f32 / RATE as f32;
        let within = (i % (RATE / 2)) as f32 / (RATE / 2) as f32;
        let envelope = (1.0 - within).min(within * 20.0).min(1.0);
        let sample = (t * note * std::f32::consts::TAU).sin() * envelope * 6_000.0;
        wav.extend_from_slice(&(sample as i16).to_le_bytes());
    }
    wav
}

/// `Marie-Josée` → `mariejosee`, for demo email addresses.
fn ascii_slug(s: &str) -> String {
    deunicode::deunicode(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The customers of the demo. The first is the one the user's documents use as their example.
pub fn demo_customers(count: usize) -> Vec<NewCustomer> {
    let mut rng = StdRng::seed_from_u64(0x00C0_FFEE);
    let mut out = Vec::with_capacity(count);
    // Fixed customers first: the user's own example, then one for each edge case of the
    // contact-update checklist (no email, no mobile, neither, a very long name).
    let fixed: [FixedCustomer; 5] = [
        (
            "12345",
            "Kevin Anderson Curepipe",
            Some("+23057372333"),
            Some("vikas.khanna@zwennpay.com"),
            "LIB/C7013",
            449_129,
        ),
        ("12346", "Ibrahim Joomun", Some("+23057654321"), None, "LIB/C7001", 125_000),
        ("12347", "Marie-Josée Lagesse", None, Some("mj.lagesse@intnet.mu"), "LIB/C7002", 78_050),
        ("12348", "Li Mei Ah-Chuen", None, None, "LIB/C7003", 1_500_000),
        (
            "12349",
            "Jean-Baptiste Marie-Christophe Lagesse de Spéville-Hossenbaccus Ramgoolam Appadoo",
            Some("+23057001122"),
            Some("jb.despeville@orange.mu"),
            "LIB/C7004",
            320_000,
        ),
    ];
    for (customer_id, name, mobile, email, policy, cents) in fixed {
        out.push(NewCustomer {
            customer_id: customer_id.into(),
            name: name.into(),
            mobile: mobile.map(Into::into),
            email: email.map(Into::into),
            policies: vec![NewPolicy {
                policy_number: policy.into(),
                amount_due_cents: cents,
                payment_status: "pending".into(),
            }],
        });
    }
    let mut policy_no = 7014u32;
    let mut used_mobiles = std::collections::HashSet::new();
    while out.len() < count {
        let i = out.len();
        let first = FIRST_NAMES.choose(&mut rng).copied().unwrap_or("Kevin");
        let last = LAST_NAMES.choose(&mut rng).copied().unwrap_or("Duval");
        let name = format!("{first} {last}");
        // About one in ten has no mobile and one in five no email: the problem agents fix.
        let mobile = (rng.gen_range(0..10) != 0).then(|| {
            loop {
                // 57xxxxxx is inside Mauritius' mobile ranges, so every demo number is valid.
                let m = format!("+23057{:06}", rng.gen_range(0..1_000_000));
                if used_mobiles.insert(m.clone()) {
                    break m;
                }
            }
        });
        let email = (rng.gen_range(0..5) != 0).then(|| {
            let domain = DOMAINS.choose(&mut rng).copied().unwrap_or("gmail.com");
            format!("{}.{}{}@{domain}", ascii_slug(first), ascii_slug(last), rng.gen_range(1..99))
        });
        let policies = (0..rng.gen_range(1..=3))
            .map(|_| {
                policy_no += rng.gen_range(1..40);
                let roll = rng.gen_range(0..100);
                let mut acc = 0;
                let status = PAYMENT_STATUSES
                    .iter()
                    .find(|(_, weight)| {
                        acc += weight;
                        roll < acc
                    })
                    .map_or("pending", |(s, _)| s);
                NewPolicy {
                    policy_number: format!("LIB/C{policy_no}"),
                    amount_due_cents: rng.gen_range(50_000..1_500_000),
                    payment_status: status.into(),
                }
            })
            .collect();
        out.push(NewCustomer { customer_id: format!("{}", 20_000 + i * 7), name, mobile, email, policies });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_customers_are_realistic_and_unique() {
        let customers = demo_customers(DEMO_CUSTOMERS);
        assert_eq!(customers.len(), DEMO_CUSTOMERS);
        let ids: std::collections::HashSet<_> = customers.iter().map(|c| &c.customer_id).collect();
        assert_eq!(ids.len(), DEMO_CUSTOMERS);
        let policies: Vec<_> = customers.iter().flat_map(|c| &c.policies).collect();
        let numbers: std::collections::HashSet<_> = policies.iter().map(|p| &p.policy_number).collect();
        assert_eq!(numbers.len(), policies.len(), "policy numbers must be unique");
        assert!(customers.iter().any(|c| c.email.is_none()), "some customers lack an email");
        assert!(customers.iter().any(|c| c.mobile.is_none()), "some customers lack a mobile");
        for c in &customers {
            if let Some(m) = &c.mobile {
                assert_eq!(crate::domain::phone::PhoneNumber::parse_mobile(m).unwrap().e164(), m, "{m}");
            }
            if let Some(e) = &c.email {
                assert!(e.is_ascii() && e.contains('@'), "{e}");
            }
        }
    }

    #[test]
    fn demo_data_is_the_same_every_time() {
        let a = demo_customers(20);
        let b = demo_customers(20);
        assert_eq!(
            a.iter().map(|c| &c.name).collect::<Vec<_>>(),
            b.iter().map(|c| &c.name).collect::<Vec<_>>()
        );
    }
}
