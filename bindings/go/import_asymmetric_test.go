package strongroom

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"testing"
)

// importOAEP imports material into keyID, wrapped with Go's own RSA-OAEP-SHA-256 under fresh
// RSAES_OAEP_SHA_256 parameters (no openssl).
func importOAEP(t *testing.T, ks *Keystore, keyID string, material []byte) error {
	t.Helper()
	p, err := ks.GetParametersForImport(keyID, "RSAES_OAEP_SHA_256", "RSA_2048")
	must(t, err)
	pub, err := x509.ParsePKIXPublicKey(p.PublicKey)
	must(t, err)
	wrapped, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, pub.(*rsa.PublicKey), material, nil)
	must(t, err)
	return ks.ImportKeyMaterial(keyID, p.ImportToken, wrapped, "", nil)
}

func TestImportAnEccKeyMadeByGo(t *testing.T) {
	ks, _, _ := open(t)
	private, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(private)
	must(t, err)
	k, err := ks.CreateKey(&CreateKeyInput{KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY", Origin: "EXTERNAL"})
	must(t, err)
	// Another curve's key decrypts, but is not this key's material.
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	must(t, err)
	wrong, err := x509.MarshalPKCS8PrivateKey(p384)
	must(t, err)
	expect(t, importOAEP(t, ks, k.KeyId, wrong), ErrIncorrectKeyMaterial)
	must(t, importOAEP(t, ks, k.KeyId, der))

	msg := []byte("signed by strongroom, verified by crypto/ecdsa")
	sig, err := ks.Sign(&SignInput{KeyId: k.KeyId, Message: msg, SigningAlgorithm: "ECDSA_SHA_256"})
	must(t, err)
	digest := sha256.Sum256(msg)
	if !ecdsa.VerifyASN1(&private.PublicKey, digest[:], sig.Signature) {
		t.Fatal("the original public key does not verify strongroom's signature")
	}
	pk, err := ks.GetPublicKey(k.KeyId)
	must(t, err)
	want, err := x509.MarshalPKIXPublicKey(&private.PublicKey)
	must(t, err)
	if !bytes.Equal(pk.PublicKey, want) {
		t.Fatal("GetPublicKey is not the imported key's public key")
	}
	// RSA private keys are too long for RSAES_OAEP_*; Ed25519 keys are not importable.
	r, err := ks.CreateKey(&CreateKeyInput{KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY", Origin: "EXTERNAL"})
	must(t, err)
	_, err = ks.GetParametersForImport(r.KeyId, "RSAES_OAEP_SHA_256", "RSA_4096")
	expect(t, err, ErrUnsupportedOperation)
	_, err = ks.GetParametersForImport(r.KeyId, "RSA_AES_KEY_WRAP_SHA_1", "RSA_2048")
	must(t, err)
	_, err = ks.CreateKey(&CreateKeyInput{KeySpec: "ECC_NIST_EDWARDS25519", Origin: "EXTERNAL"})
	expect(t, err, ErrUnsupportedOperation)
}

func TestImportAnHmacKey(t *testing.T) {
	ks, _, _ := open(t)
	k, err := ks.CreateKey(&CreateKeyInput{KeySpec: "HMAC_512", Origin: "EXTERNAL"})
	must(t, err)
	material := make([]byte, 64)
	_, err = rand.Read(material)
	must(t, err)
	// One byte short of the spec's 512 bits.
	expect(t, importOAEP(t, ks, k.KeyId, material[:63]), ErrInvalidCiphertext)
	must(t, importOAEP(t, ks, k.KeyId, material))
	msg := []byte("mac me")
	out, err := ks.GenerateMac(&GenerateMacInput{KeyId: k.KeyId, Message: msg, MacAlgorithm: "HMAC_SHA_512"})
	must(t, err)
	h := hmac.New(sha512.New, material)
	h.Write(msg)
	if !hmac.Equal(out.Mac, h.Sum(nil)) {
		t.Fatal("the MAC is not crypto/hmac's HMAC-SHA-512 of the imported key")
	}
}
