package strongroom

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// wrap wraps material under the public key with the openssl command AWS documents.
func wrap(t *testing.T, publicKey, material []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	pub, plain, out := filepath.Join(dir, "pub.der"), filepath.Join(dir, "plain.bin"), filepath.Join(dir, "wrapped.bin")
	must(t, os.WriteFile(pub, publicKey, 0o600))
	must(t, os.WriteFile(plain, material, 0o600))
	cmd := exec.Command("openssl", "pkeyutl", "-encrypt", "-in", plain, "-out", out, "-inkey", pub,
		"-keyform", "DER", "-pubin", "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256",
		"-pkeyopt", "rsa_mgf1_md:sha256")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v: %s", err, msg)
	}
	wrapped, err := os.ReadFile(out)
	must(t, err)
	return wrapped
}

// never is the expiration model of material that does not expire (also what "" means, SPEC
// section 7's default).
const never = "KEY_MATERIAL_DOES_NOT_EXPIRE"

func TestImportKeyMaterial(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("this test needs the openssl command (apt-get install openssl)")
	}
	ks, clock, _ := open(t)
	k, err := ks.CreateKey(&CreateKeyInput{Origin: "EXTERNAL"})
	must(t, err)
	_, err = ks.GetParametersForImport(k.KeyId, "RSA_PKCS1", "RSA_2048")
	expect(t, err, ErrValidation)
	p, err := ks.GetParametersForImport(k.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048")
	must(t, err)
	if !p.ParametersValidTo.Equal(t0.Add(day)) || len(p.ImportToken) == 0 || len(p.PublicKey) < 256 {
		t.Fatalf("parameters: %+v", p)
	}
	material := make([]byte, 32)
	_, err = rand.Read(material)
	must(t, err)
	wrapped := wrap(t, p.PublicKey, material)
	bad := append([]byte(nil), p.ImportToken...)
	bad[len(bad)-1] ^= 1
	expect(t, ks.ImportKeyMaterial(k.KeyId, bad, wrapped, never, nil), ErrInvalidImportToken)
	// KEY_MATERIAL_EXPIRES without validTo: a Validation error naming both ways out, before the
	// token is used.
	err = ks.ImportKeyMaterial(k.KeyId, p.ImportToken, wrapped, "KEY_MATERIAL_EXPIRES", nil)
	expect(t, err, ErrValidation)
	if !strings.Contains(err.Error(), "give valid_to") || !strings.Contains(err.Error(), never) {
		t.Fatalf("expiring model without validTo: %v", err)
	}
	must(t, ks.ImportKeyMaterial(k.KeyId, p.ImportToken, wrapped, never, nil))
	expect(t, ks.ImportKeyMaterial(k.KeyId, p.ImportToken, wrapped, never, nil), ErrInvalidImportToken)
	blob, err := ks.Encrypt(k.KeyId, []byte("imported"), nil)
	must(t, err)
	m, err := ks.DescribeKey(k.KeyId)
	must(t, err)
	if m.ExpirationModel != "KEY_MATERIAL_DOES_NOT_EXPIRE" || !isMaterialID(m.CurrentKeyMaterialId) {
		t.Fatalf("imported: %+v", m)
	}
	imported := m.CurrentKeyMaterialId

	must(t, ks.DeleteImportedKeyMaterial(k.KeyId))
	m, err = ks.DescribeKey(k.KeyId)
	must(t, err)
	if m.KeyState != "PendingImport" || m.ExpirationModel != "" || m.CurrentKeyMaterialId != imported {
		t.Fatalf("deleted: %+v", m)
	}
	all, err := ks.ListKeyRotationsWith(k.KeyId, "ALL_KEY_MATERIAL")
	must(t, err)
	if len(all) != 1 || all[0].KeyMaterialId != imported || all[0].ImportState != "PENDING_IMPORT" {
		t.Fatalf("materials: %+v", all)
	}
	_, err = ks.Decrypt(blob, nil, "")
	expect(t, err, ErrInvalidState)

	// AWS's ImportType and KeyMaterialId, checked before the token is used.
	p, err = ks.GetParametersForImport(k.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048")
	must(t, err)
	in := ImportKeyMaterialInput{KeyId: k.KeyId, ImportToken: p.ImportToken,
		EncryptedKeyMaterial: wrap(t, p.PublicKey, material), ExpirationModel: never}
	claim := func(importType, id string) (string, error) {
		c := in
		c.ImportType, c.KeyMaterialId = importType, id
		return ks.ImportKeyMaterialWith(&c)
	}
	_, err = claim("NEW_KEY_MATERIAL", "")
	expect(t, err, ErrUnsupportedOperation)
	_, err = claim("SOMETIMES", "")
	expect(t, err, ErrValidation)
	_, err = claim("", strings.Repeat("a", 64))
	expect(t, err, ErrNotFound)
	_, err = claim("EXISTING_KEY_MATERIAL", strings.Repeat("a", 63))
	expect(t, err, ErrValidation)
	described := in
	described.KeyMaterialDescription = "semi;colon"
	_, err = ks.ImportKeyMaterialWith(&described)
	expect(t, err, ErrValidation)
	described.KeyMaterialDescription = "HSM export/2026-01"
	described.ImportType, described.KeyMaterialId = "EXISTING_KEY_MATERIAL", imported
	got, err := ks.ImportKeyMaterialWith(&described)
	must(t, err)
	if got != imported {
		t.Fatalf("ImportKeyMaterialWith returned %q, want %q", got, imported)
	}
	listed, err := ks.ListKeyRotationsWith(k.KeyId, "ALL_KEY_MATERIAL")
	must(t, err)
	if len(listed) != 1 || listed[0].KeyMaterialDescription != "HSM export/2026-01" {
		t.Fatalf("described material: %+v", listed)
	}
	must(t, ks.DeleteImportedKeyMaterial(k.KeyId))

	p, err = ks.GetParametersForImport(k.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048")
	must(t, err)
	other := bytes.Repeat([]byte{7}, 32)
	expect(t, ks.ImportKeyMaterial(k.KeyId, p.ImportToken, wrap(t, p.PublicKey, other), never, nil), ErrIncorrectKeyMaterial)
	p, err = ks.GetParametersForImport(k.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048")
	must(t, err)
	validTo := t0.Add(2 * day)
	must(t, ks.ImportKeyMaterial(k.KeyId, p.ImportToken, wrap(t, p.PublicKey, material), "KEY_MATERIAL_EXPIRES", &validTo))
	pt, err := ks.Decrypt(blob, nil, "")
	must(t, err)
	if string(pt) != "imported" {
		t.Fatal("re-imported material does not decrypt")
	}
	m, err = ks.DescribeKey(k.KeyId)
	must(t, err)
	if m.ValidTo == nil || !m.ValidTo.Equal(validTo) || m.ExpirationModel != "KEY_MATERIAL_EXPIRES" {
		t.Fatalf("ValidTo %v, ExpirationModel %q", m.ValidTo, m.ExpirationModel)
	}
	p, err = ks.GetParametersForImport(k.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048")
	must(t, err)
	must(t, clock.Advance(3*day))
	expect(t, ks.ImportKeyMaterial(k.KeyId, p.ImportToken, wrap(t, p.PublicKey, material), never, nil), ErrExpiredImportToken)
	must(t, ks.RunMaintenance())
	m, err = ks.DescribeKey(k.KeyId)
	must(t, err)
	if m.KeyState != "PendingImport" {
		t.Fatal("expired material should leave the key PendingImport")
	}
	internal := newKey(t, ks)
	_, err = ks.GetParametersForImport(internal.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048")
	expect(t, err, ErrUnsupportedOperation)
}

func TestAudit(t *testing.T) {
	ks, _, _ := open(t)
	k := newKey(t, ks)
	_, err := ks.Encrypt(k.KeyId, []byte("x"), map[string]string{"order": "42"})
	must(t, err)
	must(t, ks.DisableKey(k.KeyId))
	_, err = ks.Encrypt(k.KeyId, []byte("x"), nil)
	expect(t, err, ErrDisabled)

	n, err := ks.VerifyAudit()
	must(t, err)
	all, err := ks.AuditEvents(nil)
	must(t, err)
	if uint64(len(all)) != n || n < 4 || all[0].Caller != "go-tests" {
		t.Fatalf("%d events, %d verified", len(all), n)
	}
	enc, err := ks.AuditEvents(&AuditFilter{KeyId: k.KeyId, Operation: "Encrypt"})
	must(t, err)
	if len(enc) != 2 || enc[0].Outcome != "ok" || enc[0].EncryptionContext["order"] != "42" || enc[0].KeyVersion != 1 ||
		enc[1].Outcome != "Disabled" || enc[0].Sequence >= enc[1].Sequence || !enc[0].EventTime.Equal(t0) {
		t.Fatalf("encrypt events: %+v", enc)
	}
	before := t0.Add(-1)
	none, err := ks.AuditEvents(&AuditFilter{EndTime: &before})
	must(t, err)
	if len(none) != 0 {
		t.Fatal("time filter")
	}
	_, err = ks.AuditEvents(&AuditFilter{Outcome: "\xff"})
	expect(t, err, ErrInvalidUTF8)
	jsonl, err := ks.ExportAuditJSONL(&AuditFilter{Operation: "Encrypt"})
	must(t, err)
	if bytes.Count(jsonl, []byte("\n")) != 2 || jsonl[0] != '{' {
		t.Fatalf("jsonl: %s", jsonl)
	}

	quiet, err := Create(filepath.Join(t.TempDir(), "quiet"), pass, &Options{InsecureFastKDFForTests: true, Audit: &AuditOptions{Level: AuditOff}})
	must(t, err)
	defer quiet.Close()
	newKey(t, quiet)
	events, err := quiet.AuditEvents(nil)
	must(t, err)
	if len(events) != 0 {
		t.Fatal("AuditOff recorded events")
	}
	_, err = Create(filepath.Join(t.TempDir(), "x"), pass, &Options{InsecureFastKDFForTests: true, Audit: &AuditOptions{Level: 9}})
	expect(t, err, ErrValidation)
}

// Issue 17 item 7: 0 is the core's default retention (reported by AuditDefaults, not a number
// copied here), the Unbounded constants remove a bound, and a small bound prunes.
func TestAuditRetentionDefaultAndUnbounded(t *testing.T) {
	events, days := AuditDefaults()
	if events == 0 || events == AuditMaxEventsUnbounded || days == 0 || days == AuditMaxAgeDaysUnbounded {
		t.Fatalf("AuditDefaults() = %d, %d: not a bound", events, days)
	}
	count := func(a *AuditOptions) int {
		path := filepath.Join(t.TempDir(), "ks")
		ks, err := Create(path, pass, &Options{InsecureFastKDFForTests: true, Audit: a})
		must(t, err)
		defer ks.Close()
		for i := 0; i < 20; i++ {
			_, err := ks.GenerateRandom(4)
			must(t, err)
		}
		ev, err := ks.AuditEvents(nil)
		must(t, err)
		return len(ev)
	}
	if n := count(&AuditOptions{Level: AuditFull}); n != 21 {
		t.Fatalf("default retention kept %d events, want 21", n)
	}
	if n := count(&AuditOptions{Level: AuditFull, MaxEvents: AuditMaxEventsUnbounded, MaxAgeDays: AuditMaxAgeDaysUnbounded}); n != 21 {
		t.Fatalf("unbounded kept %d events, want 21", n)
	}
	if n := count(&AuditOptions{Level: AuditFull, MaxEvents: 5}); n >= 21 {
		t.Fatalf("MaxEvents 5 kept %d events", n)
	}
}
