package strongroom

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	pass = []byte("correct horse battery staple")
	t0   = time.Date(2026, 11, 23, 18, 26, 1, 0, time.UTC)
	day  = 24 * time.Hour
)

func fast() *Options { return &Options{InsecureFastKDFForTests: true} }

// open creates a keystore on a manual clock in a temporary directory, closed at the end.
func open(t *testing.T) (*Keystore, *ManualClock, string) {
	t.Helper()
	clock, err := NewManualClock(t0)
	must(t, err)
	t.Cleanup(func() { _ = clock.Close() })
	path := filepath.Join(t.TempDir(), "test.strongroom")
	ks, err := Create(path, pass, &Options{Clock: clock, Caller: "go-tests", InsecureFastKDFForTests: true})
	must(t, err)
	t.Cleanup(func() { _ = ks.Close() })
	return ks, clock, path
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func expect(t *testing.T, err, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("got %v, want %v", err, sentinel)
	}
}

func newKey(t *testing.T, ks *Keystore) *KeyMetadata {
	t.Helper()
	k, err := ks.CreateKey(nil)
	must(t, err)
	return k
}

func TestCreateOpenCloseAndPassphrase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ks")
	ks, err := Create(path, pass, fast())
	must(t, err)
	k := newKey(t, ks)
	_, err = Create(path, pass, fast())
	expect(t, err, ErrAlreadyExists)
	_, err = Open(path, pass, fast())
	expect(t, err, ErrLocked)
	must(t, ks.Close())
	must(t, ks.Close()) // idempotent
	_, err = ks.DescribeKey(k.KeyId)
	expect(t, err, ErrClosed)

	_, err = Open(path, []byte("wrong"), fast())
	expect(t, err, ErrAuthenticationFailed)
	var e *Error
	if !errors.As(err, &e) || e.Name != "AuthenticationFailed" || !strings.HasPrefix(e.Message, "AuthenticationFailed: ") {
		t.Fatalf("error details: %#v", e)
	}
	_, err = Open(path, pass, nil) // the fast test KDF needs the test option
	expect(t, err, ErrValidation)
	_, err = Open(filepath.Join(t.TempDir(), "missing"), pass, fast())
	expect(t, err, ErrNotFound)
	_, err = Create(filepath.Join(t.TempDir(), "x"), nil, fast())
	expect(t, err, ErrValidation)
	_, err = Create(filepath.Join(t.TempDir(), "x"), pass, &Options{KDF: &KDFCost{64, 1, 1}})
	expect(t, err, ErrValidation)
	_, err = Create("bad\x00path", pass, fast())
	expect(t, err, ErrValidation)
	_, err = Create("bad\xffpath", pass, fast())
	expect(t, err, ErrInvalidUTF8)

	ks, err = Open(path, pass, fast())
	must(t, err)
	expect(t, ks.ChangePassphrase([]byte("wrong"), []byte("new")), ErrAuthenticationFailed)
	must(t, ks.ChangePassphrase(pass, []byte("new")))
	must(t, ks.Close())
	_, err = Open(path, pass, fast())
	expect(t, err, ErrAuthenticationFailed)
	ks, err = Open(path, []byte("new"), fast())
	must(t, err)
	got, err := ks.DescribeKey(k.KeyId)
	must(t, err)
	if got.KeyId != k.KeyId {
		t.Fatal("key lost across reopen")
	}
	must(t, ks.Close())
}

func TestQuota(t *testing.T) {
	ks, err := Create(filepath.Join(t.TempDir(), "q"), pass, &Options{MaxKeys: 1, InsecureFastKDFForTests: true})
	must(t, err)
	defer ks.Close()
	newKey(t, ks)
	_, err = ks.CreateKey(nil)
	expect(t, err, ErrLimitExceeded)
}

func TestKeys(t *testing.T) {
	ks, clock, _ := open(t)
	k, err := ks.CreateKey(&CreateKeyInput{Description: "payments", KeySpec: "SYMMETRIC_DEFAULT"})
	must(t, err)
	if len(k.KeyId) != 36 || !strings.HasPrefix(k.Arn, "arn:strongroom:kms:local:") || !strings.HasSuffix(k.Arn, "key/"+k.KeyId) {
		t.Fatalf("ids: %+v", k)
	}
	if k.Description != "payments" || k.KeySpec != "SYMMETRIC_DEFAULT" || k.KeyUsage != "ENCRYPT_DECRYPT" ||
		k.Origin != "AWS_KMS" || k.KeyState != "Enabled" || !k.Enabled || !k.CreationDate.Equal(t0) ||
		k.DeletionDate != nil || k.ValidTo != nil || k.PendingDeletionWindowInDays != 0 {
		t.Fatalf("metadata: %+v", k)
	}
	id, err := ks.KeystoreID()
	must(t, err)
	if len(id) != 36 || !strings.Contains(k.Arn, ":"+id+":") {
		t.Fatalf("keystore id %q, arn %s", id, k.Arn)
	}
	_, err = ks.CreateKey(&CreateKeyInput{KeySpec: "ECC_NIST_EDWARDS25519", Origin: "EXTERNAL"})
	expect(t, err, ErrUnsupportedOperation)
	_, err = ks.CreateKey(&CreateKeyInput{KeySpec: "HMAC_256", KeyUsage: "ENCRYPT_DECRYPT"})
	expect(t, err, ErrValidation)
	_, err = ks.CreateKey(&CreateKeyInput{KeyUsage: "SIGN_VERIFY"})
	expect(t, err, ErrValidation)
	_, err = ks.CreateKey(&CreateKeyInput{Description: "\xff"})
	expect(t, err, ErrInvalidUTF8)
	ext, err := ks.CreateKey(&CreateKeyInput{Origin: "EXTERNAL"})
	must(t, err)
	if ext.KeyState != "PendingImport" || ext.Enabled {
		t.Fatalf("external: %+v", ext)
	}

	must(t, clock.Advance(2*day))
	later := newKey(t, ks)
	if !later.CreationDate.Equal(t0.Add(2 * day)) {
		t.Fatalf("creation date %v", later.CreationDate)
	}
	byArn, err := ks.DescribeKey(k.Arn)
	must(t, err)
	if byArn.KeyId != k.KeyId {
		t.Fatal("describe by ARN")
	}
	_, err = ks.DescribeKey("00000000-0000-4000-8000-000000000000")
	expect(t, err, ErrNotFound)
	_, err = ks.DescribeKey("")
	expect(t, err, ErrValidation)

	list, err := ks.ListKeys()
	must(t, err)
	if len(list) != 3 || list[0].KeyId > list[1].KeyId {
		t.Fatalf("list: %d keys", len(list))
	}

	must(t, ks.DisableKey(k.KeyId))
	d, err := ks.DescribeKey(k.KeyId)
	must(t, err)
	if d.KeyState != "Disabled" || d.Enabled {
		t.Fatalf("disabled: %+v", d)
	}
	_, err = ks.Encrypt(k.KeyId, []byte("x"), nil)
	expect(t, err, ErrDisabled)
	must(t, ks.EnableKey(k.KeyId))
	expect(t, ks.EnableKey(ext.KeyId), ErrInvalidState)
	expect(t, ks.DisableKey("alias/none"), ErrNotFound)
}

func TestAliases(t *testing.T) {
	ks, _, _ := open(t)
	a, b := newKey(t, ks), newKey(t, ks)
	must(t, ks.CreateAlias("alias/app", a.KeyId))
	expect(t, ks.CreateAlias("alias/app", b.KeyId), ErrAlreadyExists)
	expect(t, ks.CreateAlias("app", a.KeyId), ErrValidation)
	expect(t, ks.CreateAlias("alias/aws/x", a.KeyId), ErrValidation)
	expect(t, ks.CreateAlias("alias/x", "00000000-0000-4000-8000-000000000000"), ErrNotFound)
	m, err := ks.DescribeKey("alias/app")
	must(t, err)
	if m.KeyId != a.KeyId {
		t.Fatal("alias target")
	}
	all, err := ks.ListAliases("")
	must(t, err)
	if len(all) != 1 || all[0].AliasName != "alias/app" || all[0].TargetKeyId != a.KeyId ||
		!strings.HasSuffix(all[0].AliasArn, ":alias/app") || !all[0].CreationDate.Equal(t0) || !all[0].LastUpdatedDate.Equal(t0) {
		t.Fatalf("aliases: %+v", all)
	}
	must(t, ks.UpdateAlias("alias/app", b.KeyId))
	forB, err := ks.ListAliases(b.KeyId)
	must(t, err)
	forA, err := ks.ListAliases(a.KeyId)
	must(t, err)
	if len(forB) != 1 || len(forA) != 0 {
		t.Fatalf("after update: %d for b, %d for a", len(forB), len(forA))
	}
	expect(t, ks.UpdateAlias("alias/none", b.KeyId), ErrNotFound)
	must(t, ks.DeleteAlias("alias/app"))
	expect(t, ks.DeleteAlias("alias/app"), ErrNotFound)
	_, err = ks.DescribeKey(b.KeyId)
	must(t, err)
}

func TestCrypto(t *testing.T) {
	ks, _, _ := open(t)
	k, k2 := newKey(t, ks), newKey(t, ks)
	must(t, ks.CreateAlias("alias/c", k.KeyId))
	ctx := map[string]string{"purpose": "test", "tenant": "ünïcode"}
	msg := []byte("attack at dawn")
	blob, err := ks.Encrypt("alias/c", msg, ctx)
	must(t, err)
	pt, err := ks.Decrypt(blob, map[string]string{"tenant": "ünïcode", "purpose": "test"}, "")
	must(t, err)
	if !bytes.Equal(pt, msg) {
		t.Fatal("round trip")
	}
	_, err = ks.Decrypt(blob, ctx, k.KeyId)
	must(t, err)
	_, err = ks.Decrypt(blob, nil, "")
	expect(t, err, ErrInvalidCiphertext)
	_, err = ks.Decrypt(blob, map[string]string{"purpose": "test"}, "")
	expect(t, err, ErrInvalidCiphertext)
	_, err = ks.Decrypt(blob, ctx, k2.KeyId)
	expect(t, err, ErrIncorrectKey)
	tampered := append([]byte(nil), blob...)
	tampered[len(tampered)-1] ^= 1
	_, err = ks.Decrypt(tampered, ctx, "")
	expect(t, err, ErrInvalidCiphertext)
	_, err = ks.Decrypt(nil, nil, "")
	expect(t, err, ErrInvalidCiphertext)

	_, err = ks.Encrypt(k.KeyId, nil, nil)
	expect(t, err, ErrValidation)
	_, err = ks.Encrypt(k.KeyId, make([]byte, 4097), nil)
	expect(t, err, ErrValidation)
	big := bytes.Repeat([]byte{0xab}, 4096)
	blob2, err := ks.Encrypt(k.KeyId, big, nil)
	must(t, err)
	pt, err = ks.Decrypt(blob2, nil, "")
	must(t, err)
	if !bytes.Equal(pt, big) {
		t.Fatal("4 KiB round trip")
	}
	_, err = ks.Encrypt(k.KeyId, msg, map[string]string{"": "v"})
	expect(t, err, ErrValidation)
	_, err = ks.Encrypt(k.KeyId, msg, map[string]string{"k": "\xff"})
	expect(t, err, ErrInvalidUTF8)
	_, err = ks.Encrypt(k.KeyId, msg, map[string]string{"k": "a\x00b"})
	expect(t, err, ErrValidation)
	_, err = ks.Encrypt("alias/none", msg, nil)
	expect(t, err, ErrNotFound)

	moved, err := ks.ReEncrypt(blob, k2.KeyId, ctx, map[string]string{"new": "ctx"}, "")
	must(t, err)
	pt, err = ks.Decrypt(moved, map[string]string{"new": "ctx"}, k2.KeyId)
	must(t, err)
	if !bytes.Equal(pt, msg) {
		t.Fatal("re-encrypt round trip")
	}
	_, err = ks.ReEncrypt(blob, k2.KeyId, nil, nil, "")
	expect(t, err, ErrInvalidCiphertext)
	_, err = ks.ReEncrypt(blob, k2.KeyId, ctx, nil, k2.KeyId)
	expect(t, err, ErrIncorrectKey)

	dk, err := ks.GenerateDataKey(k.KeyId, "", 0, ctx)
	must(t, err)
	if len(dk.Plaintext) != 32 || !strings.HasSuffix(dk.KeyId, k.KeyId) {
		t.Fatalf("data key: %d bytes, %s", len(dk.Plaintext), dk.KeyId)
	}
	pt, err = ks.Decrypt(dk.CiphertextBlob, ctx, "")
	must(t, err)
	if !bytes.Equal(pt, dk.Plaintext) {
		t.Fatal("data key blob")
	}
	dk, err = ks.GenerateDataKey(k.KeyId, "AES_128", 0, nil)
	must(t, err)
	if len(dk.Plaintext) != 16 {
		t.Fatal("AES_128")
	}
	dk, err = ks.GenerateDataKey(k.KeyId, "", 100, nil)
	must(t, err)
	if len(dk.Plaintext) != 100 {
		t.Fatal("number of bytes")
	}
	_, err = ks.GenerateDataKey(k.KeyId, "AES_256", 32, nil)
	expect(t, err, ErrValidation)
	_, err = ks.GenerateDataKey(k.KeyId, "AES_512", 0, nil)
	expect(t, err, ErrValidation)
	dk, err = ks.GenerateDataKeyWithoutPlaintext(k.KeyId, "", 0, nil)
	must(t, err)
	if dk.Plaintext != nil || len(dk.CiphertextBlob) == 0 {
		t.Fatal("without plaintext")
	}
	pt, err = ks.Decrypt(dk.CiphertextBlob, nil, "")
	must(t, err)
	if len(pt) != 32 {
		t.Fatal("data key length")
	}

	r1, err := ks.GenerateRandom(64)
	must(t, err)
	r2, err := ks.GenerateRandom(64)
	must(t, err)
	if len(r1) != 64 || bytes.Equal(r1, r2) {
		t.Fatal("random")
	}
	_, err = ks.GenerateRandom(0)
	expect(t, err, ErrValidation)
	_, err = ks.GenerateRandom(1025)
	expect(t, err, ErrValidation)
}

func TestRotationDeletionAndAlarm(t *testing.T) {
	ks, clock, _ := open(t)
	k := newKey(t, ks)
	st, err := ks.GetKeyRotationStatus(k.KeyId)
	must(t, err)
	if st.KeyRotationEnabled || st.NextRotationDate != nil || st.KeyId != k.KeyId {
		t.Fatalf("status: %+v", st)
	}
	expect(t, ks.EnableKeyRotation(k.KeyId, 89), ErrValidation)
	must(t, ks.EnableKeyRotation(k.KeyId, 90))
	st, err = ks.GetKeyRotationStatus(k.KeyId)
	must(t, err)
	if !st.KeyRotationEnabled || st.RotationPeriodInDays != 90 || !st.NextRotationDate.Equal(t0.Add(90*day)) {
		t.Fatalf("status: %+v", st)
	}
	old, err := ks.Encrypt(k.KeyId, []byte("old"), nil)
	must(t, err)
	must(t, clock.Advance(91*day))
	must(t, ks.RunMaintenance())
	must(t, ks.RotateKeyOnDemand(k.KeyId))
	rot, err := ks.ListKeyRotations(k.KeyId)
	must(t, err)
	if len(rot) != 2 || rot[0].RotationType != "AUTOMATIC" || rot[1].RotationType != "ON_DEMAND" || rot[0].KeyId != k.KeyId {
		t.Fatalf("rotations: %+v", rot)
	}
	if _, err := ks.Decrypt(old, nil, ""); err != nil {
		t.Fatal("old blob after rotation:", err)
	}
	must(t, ks.DisableKeyRotation(k.KeyId))

	var mu sync.Mutex
	var events []AlarmEvent
	must(t, ks.SetAlarm(func(e AlarmEvent) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	}))
	must(t, ks.DisableKey(k.KeyId))
	_, err = ks.Encrypt(k.KeyId, []byte("x"), nil)
	expect(t, err, ErrDisabled)
	now, err := clock.Now()
	must(t, err)
	date, err := ks.ScheduleKeyDeletion(k.KeyId, 0)
	must(t, err)
	if !date.Equal(now.Add(30 * day)) {
		t.Fatalf("deletion date %v", date)
	}
	_, err = ks.ScheduleKeyDeletion(k.KeyId, 7)
	expect(t, err, ErrInvalidState)
	m, err := ks.DescribeKey(k.KeyId)
	must(t, err)
	if m.KeyState != "PendingDeletion" || m.DeletionDate == nil || !m.DeletionDate.Equal(date) || m.PendingDeletionWindowInDays != 30 {
		t.Fatalf("pending deletion: %+v", m)
	}
	_, err = ks.Decrypt(old, nil, "")
	expect(t, err, ErrInvalidState)
	mu.Lock()
	if len(events) != 2 || events[0].Operation != "Encrypt" || events[0].KeyState != "Disabled" || events[0].Outcome != "Disabled" ||
		events[1].Operation != "Decrypt" || events[1].KeyState != "PendingDeletion" || events[1].Outcome != "InvalidState" ||
		events[0].KeyId != k.KeyId || !events[0].EventTime.Equal(now) {
		t.Fatalf("alarm events: %+v", events)
	}
	mu.Unlock()
	must(t, ks.CancelKeyDeletion(k.KeyId))
	expect(t, ks.CancelKeyDeletion(k.KeyId), ErrInvalidState)
	m, err = ks.DescribeKey(k.KeyId)
	must(t, err)
	if m.KeyState != "Disabled" {
		t.Fatal("cancel should leave the key Disabled")
	}
	must(t, ks.SetAlarm(nil))
	_, err = ks.Encrypt(k.KeyId, []byte("x"), nil)
	expect(t, err, ErrDisabled)
	mu.Lock()
	if len(events) != 2 {
		t.Fatal("a cleared alarm rang")
	}
	mu.Unlock()

	_, err = ks.ScheduleKeyDeletion(k.KeyId, 6)
	expect(t, err, ErrValidation)
	_, err = ks.ScheduleKeyDeletion(k.KeyId, 7)
	must(t, err)
	must(t, clock.Advance(8*day))
	must(t, ks.RunMaintenance())
	_, err = ks.DescribeKey(k.KeyId)
	expect(t, err, ErrNotFound)
	_, err = ks.Decrypt(old, nil, "")
	expect(t, err, ErrNotFound)
}

func TestManualClock(t *testing.T) {
	c, err := NewManualClock(t0)
	must(t, err)
	must(t, c.Advance(-time.Hour))
	now, err := c.Now()
	must(t, err)
	if !now.Equal(t0.Add(-time.Hour)) || now.Location() != time.UTC {
		t.Fatal(now)
	}
	must(t, c.Set(time.Unix(5, 0)))
	now, _ = c.Now()
	if now.Unix() != 5 {
		t.Fatal(now)
	}
	must(t, c.Close())
	must(t, c.Close())
	expect(t, c.Set(t0), ErrClosed)
	_, err = Create(filepath.Join(t.TempDir(), "x"), pass, &Options{Clock: c, InsecureFastKDFForTests: true})
	expect(t, err, ErrClosed)
}

// One handle shared by many goroutines: encryption on shared and private keys, errors that stay
// with their goroutine, and Close racing with callers (they see ErrClosed, never a crash).
func TestConcurrentUse(t *testing.T) {
	ks, _, _ := open(t)
	shared := newKey(t, ks)
	disabled := newKey(t, ks)
	must(t, ks.DisableKey(disabled.KeyId))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			own, err := ks.CreateKey(nil)
			if err != nil {
				errs <- err
				return
			}
			for i := 0; i < 100; i++ {
				key := own.KeyId
				if i%2 == 1 {
					key = shared.KeyId
				}
				msg := []byte(fmt.Sprintf("goroutine %d round %d", g, i))
				ctx := map[string]string{"g": fmt.Sprint(g)}
				blob, err := ks.Encrypt(key, msg, ctx)
				if err != nil {
					errs <- err
					return
				}
				pt, err := ks.Decrypt(blob, ctx, key)
				if err != nil || !bytes.Equal(pt, msg) {
					errs <- fmt.Errorf("round trip: %v", err)
					return
				}
				if g%2 == 0 {
					_, err = ks.Encrypt(disabled.KeyId, msg, nil)
					if !errors.Is(err, ErrDisabled) || !strings.Contains(err.Error(), "Disabled: ") {
						errs <- fmt.Errorf("want Disabled, got %v", err)
						return
					}
				} else {
					_, err = ks.DescribeKey("alias/missing")
					if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "NotFound: ") {
						errs <- fmt.Errorf("want NotFound, got %v", err)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	keys, err := ks.ListKeys()
	must(t, err)
	if len(keys) != 18 {
		t.Fatalf("%d keys", len(keys))
	}

	// Close while goroutines are calling: each call either completes or returns ErrClosed.
	var wg2 sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for i := 0; i < 200; i++ {
				_, err := ks.Encrypt(shared.KeyId, []byte("x"), nil)
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	must(t, ks.Close())
	wg2.Wait()
}

func isMaterialID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// Key material ids name each backing-key version; KeyMetadata has AWS's members.
func TestKeyMaterialIdsAndMetadata(t *testing.T) {
	ks, _, _ := open(t)
	k := newKey(t, ks)
	if k.AWSAccountId != "111122223333" || k.KeyManager != "CUSTOMER" || k.MultiRegion || k.ExpirationModel != "" ||
		!isMaterialID(k.CurrentKeyMaterialId) {
		t.Fatalf("metadata: %+v", k)
	}
	first := k.CurrentKeyMaterialId
	blob, err := ks.Encrypt(k.KeyId, []byte("old"), map[string]string{"a": "1"})
	must(t, err)
	dk, err := ks.GenerateDataKey(k.KeyId, "", 0, nil)
	must(t, err)
	if dk.KeyMaterialId != first {
		t.Fatalf("data key material %q, want %q", dk.KeyMaterialId, first)
	}
	must(t, ks.RotateKeyOnDemand(k.KeyId))
	m, err := ks.DescribeKey(k.KeyId)
	must(t, err)
	second := m.CurrentKeyMaterialId
	if !isMaterialID(second) || second == first {
		t.Fatalf("after rotation: %q", second)
	}
	d, err := ks.DecryptWithKeyId(blob, map[string]string{"a": "1"}, "")
	must(t, err)
	if string(d.Plaintext) != "old" || d.KeyId != k.Arn || d.KeyMaterialId != first {
		t.Fatalf("decrypted: %+v", d)
	}
	_, err = ks.DecryptWithKeyId(blob, nil, "")
	expect(t, err, ErrInvalidCiphertext)
	rotations, err := ks.ListKeyRotations(k.KeyId)
	must(t, err)
	if len(rotations) != 1 || rotations[0].KeyMaterialId != second || rotations[0].KeyMaterialState != "CURRENT" ||
		rotations[0].ImportState != "" {
		t.Fatalf("rotations: %+v", rotations)
	}
	all, err := ks.ListKeyRotationsWith(k.KeyId, "ALL_KEY_MATERIAL")
	must(t, err)
	if len(all) != 2 || all[0].KeyMaterialId != first || all[0].RotationType != "INITIAL" ||
		all[0].KeyMaterialState != "NON_CURRENT" {
		t.Fatalf("all key material: %+v", all)
	}
	_, err = ks.ListKeyRotationsWith(k.KeyId, "ALL")
	expect(t, err, ErrValidation)
}

// Error() names the error, as AWS's SDK errors do.
func TestErrorNamesItself(t *testing.T) {
	ks, _, _ := open(t)
	_, err := ks.DescribeKey("alias/none")
	if !strings.HasPrefix(err.Error(), "strongroom: NotFound: ") {
		t.Fatalf("error text %q", err.Error())
	}
	e := &Error{Name: "Disabled", Message: "key x is disabled"}
	if e.Error() != "strongroom: Disabled: key x is disabled" {
		t.Fatalf("error text %q", e.Error())
	}
}
