package strongroom

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"reflect"
	"strings"
	"testing"
)

// asymmetricKey creates a key of spec and usage.
func asymmetricKey(t *testing.T, ks *Keystore, spec, usage string) *KeyMetadata {
	t.Helper()
	k, err := ks.CreateKey(&CreateKeyInput{KeySpec: spec, KeyUsage: usage})
	must(t, err)
	if k.KeySpec != spec || k.KeyUsage != usage {
		t.Fatalf("created %s %s", k.KeySpec, k.KeyUsage)
	}
	return k
}

// publicKey parses a key's public key with crypto/x509.
func publicKey(t *testing.T, ks *Keystore, keyID string) (any, *GetPublicKeyOutput) {
	t.Helper()
	out, err := ks.GetPublicKey(keyID)
	must(t, err)
	pub, err := x509.ParsePKIXPublicKey(out.PublicKey)
	must(t, err)
	return pub, out
}

func TestSignVerify(t *testing.T) {
	ks, _, _ := open(t)
	msg := []byte("release 1.0.0")
	digest := sha256.Sum256(msg)

	// ECDSA P-256: Go's crypto/ecdsa verifies strongroom's signature with the DER public key.
	ec := asymmetricKey(t, ks, "ECC_NIST_P256", "SIGN_VERIFY")
	if !reflect.DeepEqual(ec.SigningAlgorithms, []string{"ECDSA_SHA_256"}) || ec.EncryptionAlgorithms != nil ||
		ec.MacAlgorithms != nil || ec.KeyAgreementAlgorithms != nil || ec.CustomerMasterKeySpec != "ECC_NIST_P256" {
		t.Fatalf("metadata %+v", ec)
	}
	s, err := ks.Sign(&SignInput{KeyId: ec.KeyId, Message: msg, SigningAlgorithm: "ECDSA_SHA_256"})
	must(t, err)
	pub, out := publicKey(t, ks, ec.KeyId)
	if out.KeySpec != "ECC_NIST_P256" || out.KeyUsage != "SIGN_VERIFY" || out.KeyId != ec.Arn ||
		!reflect.DeepEqual(out.SigningAlgorithms, []string{"ECDSA_SHA_256"}) || out.EncryptionAlgorithms != nil {
		t.Fatalf("public key %+v", out)
	}
	ecPub, ok := pub.(*ecdsa.PublicKey)
	if !ok || ecPub.Curve != elliptic.P256() {
		t.Fatalf("public key is a %T", pub)
	}
	if !ecdsa.VerifyASN1(ecPub, digest[:], s.Signature) {
		t.Fatal("crypto/ecdsa does not verify strongroom's signature")
	}
	v, err := ks.Verify(&VerifyInput{KeyId: ec.KeyId, Message: msg, MessageType: "RAW", Signature: s.Signature,
		SigningAlgorithm: "ECDSA_SHA_256"})
	must(t, err)
	if !v.SignatureValid || v.SigningAlgorithm != "ECDSA_SHA_256" {
		t.Fatalf("verify %+v", v)
	}
	// A DIGEST signs the same way, and Go verifies it too.
	d, err := ks.Sign(&SignInput{KeyId: ec.KeyId, Message: digest[:], MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_256"})
	must(t, err)
	if !ecdsa.VerifyASN1(ecPub, digest[:], d.Signature) {
		t.Fatal("crypto/ecdsa does not verify the DIGEST signature")
	}
	// A signature Go made with another key, a tampered one, another message: invalid, never false.
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	foreign, err := ecdsa.SignASN1(rand.Reader, other, digest[:])
	must(t, err)
	tampered := append([]byte(nil), s.Signature...)
	tampered[len(tampered)/2] ^= 1
	for _, in := range []*VerifyInput{
		{KeyId: ec.KeyId, Message: msg, Signature: foreign, SigningAlgorithm: "ECDSA_SHA_256"},
		{KeyId: ec.KeyId, Message: msg, Signature: tampered, SigningAlgorithm: "ECDSA_SHA_256"},
		{KeyId: ec.KeyId, Message: []byte("release 1.0.1"), Signature: s.Signature, SigningAlgorithm: "ECDSA_SHA_256"},
	} {
		v, err := ks.Verify(in)
		expect(t, err, ErrKMSInvalidSignature)
		if v != nil {
			t.Fatal("an output with an invalid signature")
		}
	}

	// RSA-PSS (salt length = hash length) and Ed25519, verified by Go as well.
	rsaKey := asymmetricKey(t, ks, "RSA_2048", "SIGN_VERIFY")
	s, err = ks.Sign(&SignInput{KeyId: rsaKey.KeyId, Message: msg, SigningAlgorithm: "RSASSA_PSS_SHA_256"})
	must(t, err)
	pub, _ = publicKey(t, ks, rsaKey.KeyId)
	must(t, rsa.VerifyPSS(pub.(*rsa.PublicKey), crypto.SHA256, digest[:], s.Signature,
		&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}))
	_, err = ks.Verify(&VerifyInput{KeyId: rsaKey.KeyId, Message: msg, Signature: s.Signature, SigningAlgorithm: "RSASSA_PSS_SHA_256"})
	must(t, err)
	_, err = ks.Verify(&VerifyInput{KeyId: rsaKey.KeyId, Message: msg, Signature: s.Signature, SigningAlgorithm: "RSASSA_PKCS1_V1_5_SHA_256"})
	expect(t, err, ErrKMSInvalidSignature)

	ed := asymmetricKey(t, ks, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY")
	if ed.CustomerMasterKeySpec != "" {
		t.Fatalf("Ed25519 CustomerMasterKeySpec %q", ed.CustomerMasterKeySpec)
	}
	s, err = ks.Sign(&SignInput{KeyId: ed.KeyId, Message: msg, SigningAlgorithm: "ED25519_SHA_512"})
	must(t, err)
	pub, _ = publicKey(t, ks, ed.KeyId)
	if !ed25519.Verify(pub.(ed25519.PublicKey), msg, s.Signature) {
		t.Fatal("crypto/ed25519 does not verify strongroom's signature")
	}

	// Refusals.
	for _, c := range []struct {
		in   *SignInput
		want error
	}{
		{&SignInput{KeyId: ec.KeyId, Message: msg, SigningAlgorithm: "ECDSA_SHA_384"}, ErrInvalidKeyUsage},
		{&SignInput{KeyId: ec.KeyId, Message: msg, SigningAlgorithm: "ECDSA"}, ErrValidation},
		{&SignInput{KeyId: ec.KeyId, Message: msg, SigningAlgorithm: ""}, ErrValidation},
		{&SignInput{KeyId: ec.KeyId, Message: msg, MessageType: "TEXT", SigningAlgorithm: "ECDSA_SHA_256"}, ErrValidation},
		{&SignInput{KeyId: ec.KeyId, Message: msg, MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_256"}, ErrValidation},
		{&SignInput{KeyId: ec.KeyId, SigningAlgorithm: "ECDSA_SHA_256"}, ErrValidation},
		{&SignInput{KeyId: ec.KeyId, Message: make([]byte, 4097), SigningAlgorithm: "ECDSA_SHA_256"}, ErrValidation},
		{&SignInput{KeyId: ec.KeyId, Message: msg, SigningAlgorithm: "\xff"}, ErrInvalidUTF8},
		{&SignInput{KeyId: "a\x00b", Message: msg, SigningAlgorithm: "ECDSA_SHA_256"}, ErrValidation},
		{&SignInput{KeyId: "alias/none", Message: msg, SigningAlgorithm: "ECDSA_SHA_256"}, ErrNotFound},
		{&SignInput{KeyId: newKey(t, ks).KeyId, Message: msg, SigningAlgorithm: "ECDSA_SHA_256"}, ErrInvalidKeyUsage},
		{&SignInput{KeyId: ed.KeyId, Message: make([]byte, 64), MessageType: "DIGEST", SigningAlgorithm: "ED25519_PH_SHA_512"}, ErrUnsupportedOperation},
		{nil, ErrValidation},
	} {
		out, err := ks.Sign(c.in)
		expect(t, err, c.want)
		if out != nil {
			t.Fatalf("%+v: an output with an error", c.in)
		}
	}
	_, err = ks.GetPublicKey(newKey(t, ks).KeyId)
	expect(t, err, ErrUnsupportedOperation)
	must(t, ks.DisableKey(ec.KeyId))
	_, err = ks.GetPublicKey(ec.KeyId)
	expect(t, err, ErrDisabled)
}

func TestMac(t *testing.T) {
	ks, _, _ := open(t)
	k := asymmetricKey(t, ks, "HMAC_256", "GENERATE_VERIFY_MAC")
	if !reflect.DeepEqual(k.MacAlgorithms, []string{"HMAC_SHA_256"}) || k.SigningAlgorithms != nil {
		t.Fatalf("metadata %+v", k)
	}
	msg := []byte("a message to authenticate")
	m, err := ks.GenerateMac(&GenerateMacInput{KeyId: k.KeyId, Message: msg, MacAlgorithm: "HMAC_SHA_256"})
	must(t, err)
	if len(m.Mac) != 32 || m.MacAlgorithm != "HMAC_SHA_256" {
		t.Fatalf("mac %+v", m)
	}
	v, err := ks.VerifyMac(&VerifyMacInput{KeyId: k.KeyId, Message: msg, MacAlgorithm: "HMAC_SHA_256", Mac: m.Mac})
	must(t, err)
	if !v.MacValid {
		t.Fatal("MacValid false")
	}
	tampered := append([]byte(nil), m.Mac...)
	tampered[0] ^= 1
	_, err = ks.VerifyMac(&VerifyMacInput{KeyId: k.KeyId, Message: msg, MacAlgorithm: "HMAC_SHA_256", Mac: tampered})
	expect(t, err, ErrKMSInvalidMac)
	_, err = ks.VerifyMac(&VerifyMacInput{KeyId: k.KeyId, Message: msg[1:], MacAlgorithm: "HMAC_SHA_256", Mac: m.Mac})
	expect(t, err, ErrKMSInvalidMac)
	_, err = ks.VerifyMac(&VerifyMacInput{KeyId: k.KeyId, Message: msg, MacAlgorithm: "HMAC_SHA_512", Mac: m.Mac})
	expect(t, err, ErrInvalidKeyUsage)
	_, err = ks.GenerateMac(&GenerateMacInput{KeyId: k.KeyId, Message: msg, MacAlgorithm: "HMAC"})
	expect(t, err, ErrValidation)
	_, err = ks.GenerateMac(&GenerateMacInput{KeyId: k.KeyId, MacAlgorithm: "HMAC_SHA_256"})
	expect(t, err, ErrValidation)
	_, err = ks.GenerateMac(&GenerateMacInput{KeyId: newKey(t, ks).KeyId, Message: msg, MacAlgorithm: "HMAC_SHA_256"})
	expect(t, err, ErrInvalidKeyUsage)
	_, err = ks.Sign(&SignInput{KeyId: k.KeyId, Message: msg, SigningAlgorithm: "ECDSA_SHA_256"})
	expect(t, err, ErrInvalidKeyUsage)
}

func TestDeriveSharedSecret(t *testing.T) {
	ks, _, _ := open(t)
	a := asymmetricKey(t, ks, "ECC_NIST_P256", "KEY_AGREEMENT")
	b := asymmetricKey(t, ks, "ECC_NIST_P256", "KEY_AGREEMENT")
	if !reflect.DeepEqual(a.KeyAgreementAlgorithms, []string{"ECDH"}) {
		t.Fatalf("metadata %+v", a)
	}
	_, pa := publicKey(t, ks, a.KeyId)
	_, pb := publicKey(t, ks, b.KeyId)
	if !reflect.DeepEqual(pa.KeyAgreementAlgorithms, []string{"ECDH"}) || pa.SigningAlgorithms != nil {
		t.Fatalf("public key %+v", pa)
	}
	ab, err := ks.DeriveSharedSecret(&DeriveSharedSecretInput{KeyId: a.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: pb.PublicKey})
	must(t, err)
	ba, err := ks.DeriveSharedSecret(&DeriveSharedSecretInput{KeyId: b.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: pa.PublicKey})
	must(t, err)
	if len(ab.SharedSecret) != 32 || !bytes.Equal(ab.SharedSecret, ba.SharedSecret) || ab.KeyAgreementAlgorithm != "ECDH" {
		t.Fatal("the two sides derived different secrets")
	}
	// With a peer key made by Go: both sides get the x coordinate of the shared point.
	peer, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	peerDER, err := x509.MarshalPKIXPublicKey(&peer.PublicKey)
	must(t, err)
	s, err := ks.DeriveSharedSecret(&DeriveSharedSecretInput{KeyId: a.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: peerDER})
	must(t, err)
	aPub, _ := publicKey(t, ks, a.KeyId)
	x, _ := elliptic.P256().ScalarMult(aPub.(*ecdsa.PublicKey).X, aPub.(*ecdsa.PublicKey).Y, peer.D.Bytes())
	if !bytes.Equal(s.SharedSecret, x.FillBytes(make([]byte, 32))) {
		t.Fatal("strongroom's and Go's ECDH differ")
	}

	_, err = ks.DeriveSharedSecret(&DeriveSharedSecretInput{KeyId: a.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: []byte("junk")})
	expect(t, err, ErrValidation)
	_, err = ks.DeriveSharedSecret(&DeriveSharedSecretInput{KeyId: a.KeyId, KeyAgreementAlgorithm: "DH", PublicKey: pb.PublicKey})
	expect(t, err, ErrValidation)
	sign := asymmetricKey(t, ks, "ECC_NIST_P256", "SIGN_VERIFY")
	_, err = ks.DeriveSharedSecret(&DeriveSharedSecretInput{KeyId: sign.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: pb.PublicKey})
	expect(t, err, ErrInvalidKeyUsage)
}

func TestGenerateDataKeyPair(t *testing.T) {
	ks, _, _ := open(t)
	k := newKey(t, ks)
	if !reflect.DeepEqual(k.EncryptionAlgorithms, []string{"SYMMETRIC_DEFAULT"}) || k.CustomerMasterKeySpec != "SYMMETRIC_DEFAULT" {
		t.Fatalf("metadata %+v", k)
	}
	ctx := map[string]string{"purpose": "pairs"}
	p, err := ks.GenerateDataKeyPair(&GenerateDataKeyPairInput{KeyId: k.KeyId, KeyPairSpec: "ECC_NIST_P256", EncryptionContext: ctx})
	must(t, err)
	if p.KeyId != k.Arn || p.KeyPairSpec != "ECC_NIST_P256" || p.KeyMaterialId != k.CurrentKeyMaterialId {
		t.Fatalf("pair %+v", p)
	}
	private, err := ks.Decrypt(p.PrivateKeyCiphertextBlob, ctx, k.KeyId)
	must(t, err)
	if !bytes.Equal(private, p.PrivateKeyPlaintext) {
		t.Fatal("the blob does not decrypt to the private key")
	}
	_, err = ks.Decrypt(p.PrivateKeyCiphertextBlob, nil, "")
	expect(t, err, ErrInvalidCiphertext)
	parsed, err := x509.ParsePKCS8PrivateKey(p.PrivateKeyPlaintext)
	must(t, err)
	derived, err := x509.MarshalPKIXPublicKey(&parsed.(*ecdsa.PrivateKey).PublicKey)
	must(t, err)
	if !bytes.Equal(derived, p.PublicKey) {
		t.Fatal("the public key is not the private key's")
	}

	w, err := ks.GenerateDataKeyPairWithoutPlaintext(&GenerateDataKeyPairWithoutPlaintextInput{KeyId: k.KeyId, KeyPairSpec: "RSA_2048"})
	must(t, err)
	private, err = ks.Decrypt(w.PrivateKeyCiphertextBlob, nil, "")
	must(t, err)
	rsaKey, err := x509.ParsePKCS8PrivateKey(private)
	must(t, err)
	if rsaKey.(*rsa.PrivateKey).N.BitLen() != 2048 || w.KeyPairSpec != "RSA_2048" {
		t.Fatalf("an RSA pair of %d bits", rsaKey.(*rsa.PrivateKey).N.BitLen())
	}

	_, err = ks.GenerateDataKeyPair(&GenerateDataKeyPairInput{KeyId: k.KeyId, KeyPairSpec: "ECC_NIST_EDWARDS25519"})
	expect(t, err, ErrValidation)
	_, err = ks.GenerateDataKeyPair(&GenerateDataKeyPairInput{KeyId: k.KeyId})
	expect(t, err, ErrValidation)
	sign := asymmetricKey(t, ks, "ECC_NIST_P256", "SIGN_VERIFY")
	_, err = ks.GenerateDataKeyPairWithoutPlaintext(&GenerateDataKeyPairInput{KeyId: sign.KeyId, KeyPairSpec: "ECC_NIST_P256"})
	expect(t, err, ErrInvalidKeyUsage)
}

func TestRSAOAEP(t *testing.T) {
	ks, _, _ := open(t)
	k := asymmetricKey(t, ks, "RSA_2048", "ENCRYPT_DECRYPT")
	if !reflect.DeepEqual(k.EncryptionAlgorithms, []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}) {
		t.Fatalf("metadata %+v", k)
	}
	pub, _ := publicKey(t, ks, k.KeyId)
	rsaPub := pub.(*rsa.PublicKey)
	msg := []byte("attack at dawn")
	// Ciphertext made by crypto/rsa with the public key decrypts in strongroom, with both hashes.
	ct, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, rsaPub, msg, nil)
	must(t, err)
	pt, err := ks.DecryptWithAlgorithm(ct, nil, k.KeyId, "RSAES_OAEP_SHA_256")
	must(t, err)
	if !bytes.Equal(pt, msg) {
		t.Fatal("OAEP SHA-256 round trip")
	}
	ct1, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, rsaPub, msg, nil)
	must(t, err)
	pt, err = ks.DecryptWithAlgorithm(ct1, nil, k.Arn, "RSAES_OAEP_SHA_1")
	must(t, err)
	if !bytes.Equal(pt, msg) {
		t.Fatal("OAEP SHA-1 round trip")
	}
	_, err = ks.DecryptWithAlgorithm(ct, nil, k.KeyId, "RSAES_OAEP_SHA_1")
	expect(t, err, ErrInvalidCiphertext)
	_, err = ks.DecryptWithAlgorithm(ct, nil, "", "RSAES_OAEP_SHA_256")
	expect(t, err, ErrValidation)
	_, err = ks.DecryptWithAlgorithm(ct, map[string]string{"k": "v"}, k.KeyId, "RSAES_OAEP_SHA_256")
	expect(t, err, ErrValidation)

	// strongroom encrypts; the limit is 190 bytes with SHA-256.
	ct, err = ks.EncryptWithAlgorithm(k.KeyId, msg, nil, "RSAES_OAEP_SHA_256")
	must(t, err)
	if len(ct) != 256 {
		t.Fatalf("%d-byte ciphertext", len(ct))
	}
	pt, err = ks.DecryptWithAlgorithm(ct, nil, k.KeyId, "RSAES_OAEP_SHA_256")
	must(t, err)
	if !bytes.Equal(pt, msg) {
		t.Fatal("strongroom OAEP round trip")
	}
	_, err = ks.EncryptWithAlgorithm(k.KeyId, make([]byte, 190), nil, "RSAES_OAEP_SHA_256")
	must(t, err)
	_, err = ks.EncryptWithAlgorithm(k.KeyId, make([]byte, 191), nil, "RSAES_OAEP_SHA_256")
	expect(t, err, ErrValidation)
	_, err = ks.EncryptWithAlgorithm(k.KeyId, msg, nil, "")
	expect(t, err, ErrInvalidKeyUsage)
	_, err = ks.Encrypt(k.KeyId, msg, nil)
	expect(t, err, ErrInvalidKeyUsage)
	_, err = ks.EncryptWithAlgorithm(k.KeyId, msg, nil, "RSA")
	expect(t, err, ErrValidation)
	if err != nil && !strings.Contains(err.Error(), "RSAES_OAEP_SHA_256") {
		t.Fatalf("the message does not list the names: %v", err)
	}

	// "" is SYMMETRIC_DEFAULT: Encrypt and Decrypt.
	sym := newKey(t, ks)
	blob, err := ks.EncryptWithAlgorithm(sym.KeyId, msg, map[string]string{"k": "v"}, "")
	must(t, err)
	pt, err = ks.DecryptWithAlgorithm(blob, map[string]string{"k": "v"}, "", "SYMMETRIC_DEFAULT")
	must(t, err)
	if !bytes.Equal(pt, msg) {
		t.Fatal("symmetric round trip")
	}
	_, err = ks.EncryptWithAlgorithm(sym.KeyId, msg, nil, "RSAES_OAEP_SHA_256")
	expect(t, err, ErrInvalidKeyUsage)
}

func TestReEncryptWithAlgorithms(t *testing.T) {
	ks, _, _ := open(t)
	k := asymmetricKey(t, ks, "RSA_2048", "ENCRYPT_DECRYPT")
	sym, err := ks.CreateKey(nil)
	must(t, err)
	msg := []byte("moving day")
	ctx := map[string]string{"app": "go"}
	blob, err := ks.Encrypt(sym.KeyId, msg, ctx)
	must(t, err)
	// Symmetric to RSA: raw OAEP that DecryptWithAlgorithm opens.
	raw, err := ks.ReEncryptWithAlgorithms(blob, k.KeyId, ctx, nil, "", "", "RSAES_OAEP_SHA_256")
	must(t, err)
	if len(raw) != 256 {
		t.Fatalf("%d-byte ciphertext", len(raw))
	}
	pt, err := ks.DecryptWithAlgorithm(raw, nil, k.KeyId, "RSAES_OAEP_SHA_256")
	must(t, err)
	if !bytes.Equal(pt, msg) {
		t.Fatal("symmetric to RSA")
	}
	// And back: the RSA key named by sourceKeyID.
	back, err := ks.ReEncryptWithAlgorithms(raw, sym.KeyId, nil, ctx, k.KeyId, "RSAES_OAEP_SHA_256", "SYMMETRIC_DEFAULT")
	must(t, err)
	pt, err = ks.Decrypt(back, ctx, "")
	must(t, err)
	if !bytes.Equal(pt, msg) {
		t.Fatal("RSA to symmetric")
	}
	_, err = ks.ReEncryptWithAlgorithms(raw, sym.KeyId, nil, nil, "", "RSAES_OAEP_SHA_256", "")
	expect(t, err, ErrValidation)
	_, err = ks.ReEncryptWithAlgorithms(blob, k.KeyId, ctx, map[string]string{"a": "b"}, "", "", "RSAES_OAEP_SHA_256")
	expect(t, err, ErrValidation)
	_, err = ks.ReEncryptWithAlgorithms(blob, k.KeyId, ctx, nil, "", "", "")
	expect(t, err, ErrInvalidKeyUsage)
	_, err = ks.ReEncryptWithAlgorithms(raw, sym.KeyId, nil, nil, k.KeyId, "RSAES_OAEP_SHA_1", "")
	expect(t, err, ErrInvalidCiphertext)
}
