//! A walkthrough on a scratch keystore: create it, create a key and an alias, encrypt, decrypt,
//! re-encrypt, make a data key, rotate, and schedule then cancel deletion, printing each step.
//!
//! Run: `cargo run -p strongroom --example walkthrough`

use strongroom::{CreateKey, EncryptionContext, Keystore, Options};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("walkthrough.strongroom");
    println!(
        "1. Creating a keystore at {} (Argon2id, the default cost)",
        path.display()
    );
    let ks = Keystore::create(&path, b"walkthrough passphrase", &Options::default())?;
    println!("   keystore id {}", ks.keystore_id());

    let key = ks.create_key(&CreateKey {
        description: "walkthrough key".into(),
        ..Default::default()
    })?;
    println!(
        "2. Created key {} ({}, {})",
        key.key_id, key.key_spec, key.key_state
    );
    ks.create_alias("alias/walkthrough", &key.key_id)?;
    println!("   alias/walkthrough -> {}", key.key_id);

    let ctx = EncryptionContext::from_pairs([("purpose", "walkthrough")])?;
    let blob = ks.encrypt("alias/walkthrough", b"attack at dawn", Some(&ctx))?;
    println!("3. Encrypted 14 bytes into a {}-byte blob", blob.len());
    let out = ks.decrypt(&blob, Some(&ctx), None)?;
    println!(
        "4. Decrypted: {:?} (key {})",
        String::from_utf8_lossy(out.plaintext.as_bytes()),
        out.key_id
    );
    match ks.decrypt(&blob, None, None) {
        Err(e) => println!("   without the encryption context: {e}"),
        Ok(_) => return Err("decrypt without the context must fail".into()),
    }

    let second = ks.create_key(&CreateKey::default())?;
    let moved = ks.re_encrypt(&blob, &second.key_id, Some(&ctx), None, None)?;
    println!(
        "5. Re-encrypted under key {} (source {})",
        second.key_id, moved.source_key_id
    );

    let dk = ks.generate_data_key("alias/walkthrough", None, None, Some(&ctx))?;
    println!(
        "6. Data key: {} plaintext bytes (kept in memory only) and a {}-byte wrapped copy to store",
        dk.plaintext.len(),
        dk.ciphertext_blob.len()
    );

    ks.rotate_key_on_demand(&key.key_id)?;
    ks.enable_key_rotation(&key.key_id, None)?;
    let status = ks.get_key_rotation_status(&key.key_id)?;
    println!(
        "7. Rotated on demand; automatic rotation every {} days, next on {}",
        status.rotation_period_in_days.unwrap_or_default(),
        status
            .next_rotation_date
            .map(|d| d.to_string())
            .unwrap_or_default()
    );
    let old = ks.decrypt(&blob, Some(&ctx), None)?;
    println!(
        "   the blob from before the rotation still decrypts: {} bytes",
        old.plaintext.len()
    );

    let date = ks.schedule_key_deletion(&second.key_id, Some(7))?;
    println!("8. Key {} scheduled for deletion on {date}", second.key_id);
    if let Err(e) = ks.decrypt(&moved.ciphertext_blob, None, None) {
        println!("   using it now fails: {e}");
    }
    ks.cancel_key_deletion(&second.key_id)?;
    println!(
        "   deletion cancelled; the key is {}",
        ks.describe_key(&second.key_id)?.key_state
    );

    ks.close()?;
    println!("9. Closed. Reopening with a wrong passphrase:");
    match Keystore::open(&path, b"wrong", &Options::default()) {
        Err(e) => println!("   {e}"),
        Ok(_) => return Err("a wrong passphrase must fail".into()),
    }
    Ok(())
}
