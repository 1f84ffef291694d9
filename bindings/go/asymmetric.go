package strongroom

/*
#include <stdlib.h>
#include "strongroom.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Asymmetric and HMAC keys (docs/key-types.md): Sign, Verify, GetPublicKey, GenerateMac,
// VerifyMac, DeriveSharedSecret, GenerateDataKeyPair(WithoutPlaintext), and RSA-OAEP through
// EncryptWithAlgorithm and DecryptWithAlgorithm. Algorithm names are AWS's strings
// ("ECDSA_SHA_256", "HMAC_SHA_256", "ECDH", "RSAES_OAEP_SHA_256", ...): an unknown name is
// ErrValidation, a name the key does not allow ErrInvalidKeyUsage.

// namesFrom copies a C array of static names.
func namesFrom(items **C.char, n C.size_t) []string {
	if items == nil || n == 0 {
		return nil
	}
	out := make([]string, 0, int(n))
	for _, p := range unsafe.Slice(items, int(n)) {
		out = append(out, goString(p))
	}
	return out
}

// optBytes copies a buffer strongroom owns into Go memory (nil if empty) without freeing it.
func optBytes(b C.sr_buffer) []byte {
	if b.data == nil {
		return nil
	}
	return C.GoBytes(unsafe.Pointer(b.data), C.int(b.len))
}

// cArg is a string argument for cStrings: its value, its name in messages, and whether "" means
// "not given" (NULL).
type cArg struct {
	v, what  string
	optional bool
}

// cStrings makes C copies of the given strings; free them with freeAll.
func cStrings(args ...cArg) ([]*C.char, error) {
	out := make([]*C.char, len(args))
	for i, a := range args {
		var err error
		if a.optional {
			out[i], err = optCString(a.v, a.what)
		} else {
			out[i], err = cString(a.v, a.what)
		}
		if err != nil {
			freeAll(out...)
			return nil, err
		}
	}
	return out, nil
}

// SignInput holds Sign's arguments (AWS KMS SignInput).
type SignInput struct {
	// KeyId: a SIGN_VERIFY key (key id, key ARN, alias name or alias ARN).
	KeyId string
	// Message: 1 to 4096 bytes (RAW), or the message's digest (DIGEST).
	Message []byte
	// MessageType: "RAW" (the default, "") or "DIGEST" (exactly the algorithm's hash length).
	MessageType string
	// SigningAlgorithm: one the key allows (KeyMetadata.SigningAlgorithms), e.g.
	// "ECDSA_SHA_256", "RSASSA_PSS_SHA_256", "ED25519_SHA_512", "ML_DSA_SHAKE_256".
	SigningAlgorithm string
}

// SignOutput is what Sign returns (AWS KMS SignOutput, less KeyId: use DescribeKey for the ARN).
type SignOutput struct {
	// Signature: DER for ECDSA; raw for RSA, Ed25519 and ML-DSA.
	Signature []byte
	// SigningAlgorithm is the algorithm used.
	SigningAlgorithm string
}

// Sign signs a message with a SIGN_VERIFY key (AWS KMS Sign). A key that does not sign, or an
// algorithm it does not allow, is ErrInvalidKeyUsage; a message of the wrong size ErrValidation.
func (ks *Keystore) Sign(in *SignInput) (*SignOutput, error) {
	if in == nil {
		in = &SignInput{}
	}
	args, err := cStrings(cArg{in.KeyId, "KeyId", false}, cArg{in.MessageType, "MessageType", true}, cArg{in.SigningAlgorithm, "SigningAlgorithm", false})
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	msg, msgLen := bytesArg(in.Message)
	var out C.sr_buffer
	err = ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_sign(p, args[0], msg, msgLen, args[1], args[2], &out)
	})
	runtime.KeepAlive(in.Message)
	if err != nil {
		return nil, err
	}
	return &SignOutput{Signature: takeBuffer(&out), SigningAlgorithm: in.SigningAlgorithm}, nil
}

// VerifyInput holds Verify's arguments (AWS KMS VerifyInput).
type VerifyInput struct {
	// KeyId: a SIGN_VERIFY key.
	KeyId string
	// Message, MessageType and SigningAlgorithm: as for Sign.
	Message     []byte
	MessageType string
	// Signature: 1 to 6144 bytes.
	Signature        []byte
	SigningAlgorithm string
}

// VerifyOutput is what a successful Verify returns (AWS KMS VerifyOutput, less KeyId).
type VerifyOutput struct {
	// SignatureValid is always true: an invalid signature is the error ErrKMSInvalidSignature.
	SignatureValid bool
	// SigningAlgorithm is the algorithm used.
	SigningAlgorithm string
}

// Verify checks a signature with a SIGN_VERIFY key (AWS KMS Verify), whoever made it. A
// signature that is not valid is the error ErrKMSInvalidSignature: as in AWS KMS, there is no
// "false" answer.
func (ks *Keystore) Verify(in *VerifyInput) (*VerifyOutput, error) {
	if in == nil {
		in = &VerifyInput{}
	}
	args, err := cStrings(cArg{in.KeyId, "KeyId", false}, cArg{in.MessageType, "MessageType", true}, cArg{in.SigningAlgorithm, "SigningAlgorithm", false})
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	msg, msgLen := bytesArg(in.Message)
	sig, sigLen := bytesArg(in.Signature)
	err = ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_verify(p, args[0], msg, msgLen, args[1], sig, sigLen, args[2])
	})
	runtime.KeepAlive(in.Message)
	runtime.KeepAlive(in.Signature)
	if err != nil {
		return nil, err
	}
	return &VerifyOutput{SignatureValid: true, SigningAlgorithm: in.SigningAlgorithm}, nil
}

// GetPublicKeyOutput is an asymmetric key's public key (AWS KMS GetPublicKeyOutput).
type GetPublicKeyOutput struct {
	// KeyId is the key's ARN.
	KeyId string
	// PublicKey is DER SubjectPublicKeyInfo: x509.ParsePKIXPublicKey reads it.
	PublicKey []byte
	// CustomerMasterKeySpec is the deprecated name of KeySpec ("" for Ed25519 and ML-DSA keys).
	CustomerMasterKeySpec string
	KeySpec               string
	KeyUsage              string
	// EncryptionAlgorithms (RSA ENCRYPT_DECRYPT keys), SigningAlgorithms (SIGN_VERIFY keys) and
	// KeyAgreementAlgorithms (KEY_AGREEMENT keys): those the key allows; nil for the others.
	EncryptionAlgorithms   []string
	SigningAlgorithms      []string
	KeyAgreementAlgorithms []string
}

// GetPublicKey returns the public key of an asymmetric key with its spec, usage and algorithms
// (AWS KMS GetPublicKey). A symmetric or HMAC key is ErrUnsupportedOperation.
func (ks *Keystore) GetPublicKey(keyID string) (*GetPublicKeyOutput, error) {
	var out *C.sr_public_key
	if err := ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_get_public_key(p, id, &out)
	}); err != nil {
		return nil, err
	}
	defer C.sr_public_key_free(out)
	return &GetPublicKeyOutput{
		KeyId:                  goString(out.key_id),
		PublicKey:              optBytes(out.public_key),
		CustomerMasterKeySpec:  goString(out.customer_master_key_spec),
		KeySpec:                goString(out.key_spec),
		KeyUsage:               goString(out.key_usage),
		EncryptionAlgorithms:   namesFrom(out.encryption_algorithms, out.encryption_algorithms_len),
		SigningAlgorithms:      namesFrom(out.signing_algorithms, out.signing_algorithms_len),
		KeyAgreementAlgorithms: namesFrom(out.key_agreement_algorithms, out.key_agreement_algorithms_len),
	}, nil
}

// GenerateMacInput holds GenerateMac's arguments (AWS KMS GenerateMacInput).
type GenerateMacInput struct {
	// KeyId: a GENERATE_VERIFY_MAC key.
	KeyId string
	// Message: 1 to 4096 bytes.
	Message []byte
	// MacAlgorithm: the key's own, "HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384" or
	// "HMAC_SHA_512" for an HMAC_224/256/384/512 key.
	MacAlgorithm string
}

// GenerateMacOutput is what GenerateMac returns (AWS KMS GenerateMacOutput, less KeyId).
type GenerateMacOutput struct {
	Mac          []byte
	MacAlgorithm string
}

// GenerateMac computes the HMAC of a message under an HMAC key (AWS KMS GenerateMac).
func (ks *Keystore) GenerateMac(in *GenerateMacInput) (*GenerateMacOutput, error) {
	if in == nil {
		in = &GenerateMacInput{}
	}
	args, err := cStrings(cArg{in.KeyId, "KeyId", false}, cArg{in.MacAlgorithm, "MacAlgorithm", false})
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	msg, msgLen := bytesArg(in.Message)
	var out C.sr_buffer
	err = ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_generate_mac(p, args[0], msg, msgLen, args[1], &out)
	})
	runtime.KeepAlive(in.Message)
	if err != nil {
		return nil, err
	}
	return &GenerateMacOutput{Mac: takeBuffer(&out), MacAlgorithm: in.MacAlgorithm}, nil
}

// VerifyMacInput holds VerifyMac's arguments (AWS KMS VerifyMacInput).
type VerifyMacInput struct {
	// KeyId, Message and MacAlgorithm: as for GenerateMac.
	KeyId        string
	Message      []byte
	MacAlgorithm string
	// Mac: the MAC to check.
	Mac []byte
}

// VerifyMacOutput is what a successful VerifyMac returns (AWS KMS VerifyMacOutput, less KeyId).
type VerifyMacOutput struct {
	// MacValid is always true: a MAC that does not match is the error ErrKMSInvalidMac.
	MacValid     bool
	MacAlgorithm string
}

// VerifyMac checks a MAC in constant time (AWS KMS VerifyMac). A MAC that does not match is the
// error ErrKMSInvalidMac: there is no "false" answer.
func (ks *Keystore) VerifyMac(in *VerifyMacInput) (*VerifyMacOutput, error) {
	if in == nil {
		in = &VerifyMacInput{}
	}
	args, err := cStrings(cArg{in.KeyId, "KeyId", false}, cArg{in.MacAlgorithm, "MacAlgorithm", false})
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	msg, msgLen := bytesArg(in.Message)
	mac, macLen := bytesArg(in.Mac)
	err = ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_verify_mac(p, args[0], msg, msgLen, args[1], mac, macLen)
	})
	runtime.KeepAlive(in.Message)
	runtime.KeepAlive(in.Mac)
	if err != nil {
		return nil, err
	}
	return &VerifyMacOutput{MacValid: true, MacAlgorithm: in.MacAlgorithm}, nil
}

// DeriveSharedSecretInput holds DeriveSharedSecret's arguments (AWS KMS
// DeriveSharedSecretInput).
type DeriveSharedSecretInput struct {
	// KeyId: a KEY_AGREEMENT key.
	KeyId string
	// KeyAgreementAlgorithm: "ECDH".
	KeyAgreementAlgorithm string
	// PublicKey: the peer's public key, DER SubjectPublicKeyInfo on the key's curve
	// (x509.MarshalPKIXPublicKey makes one; else ErrValidation).
	PublicKey []byte
}

// DeriveSharedSecretOutput is what DeriveSharedSecret returns (AWS KMS
// DeriveSharedSecretOutput, less KeyId and KeyOrigin).
type DeriveSharedSecretOutput struct {
	// SharedSecret is the raw ECDH shared secret (the x coordinate), as AWS returns it: derive
	// keys from it with a KDF, and overwrite it when done (strongroom zeroes its own copy).
	SharedSecret          []byte
	KeyAgreementAlgorithm string
}

// DeriveSharedSecret runs ECDH between a KEY_AGREEMENT key and a peer's public key (AWS KMS
// DeriveSharedSecret).
func (ks *Keystore) DeriveSharedSecret(in *DeriveSharedSecretInput) (*DeriveSharedSecretOutput, error) {
	if in == nil {
		in = &DeriveSharedSecretInput{}
	}
	args, err := cStrings(cArg{in.KeyId, "KeyId", false}, cArg{in.KeyAgreementAlgorithm, "KeyAgreementAlgorithm", false})
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	pub, pubLen := bytesArg(in.PublicKey)
	var out C.sr_buffer
	err = ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_derive_shared_secret(p, args[0], args[1], pub, pubLen, &out)
	})
	runtime.KeepAlive(in.PublicKey)
	if err != nil {
		return nil, err
	}
	return &DeriveSharedSecretOutput{SharedSecret: takeBuffer(&out), KeyAgreementAlgorithm: in.KeyAgreementAlgorithm}, nil
}

// GenerateDataKeyPairInput holds GenerateDataKeyPair's arguments (AWS KMS
// GenerateDataKeyPairInput).
type GenerateDataKeyPairInput struct {
	// KeyId: the symmetric encryption key that encrypts the private key.
	KeyId string
	// KeyPairSpec: "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384",
	// "ECC_NIST_P521" or "ECC_SECG_P256K1".
	KeyPairSpec string
	// EncryptionContext (optional) is needed again to decrypt PrivateKeyCiphertextBlob.
	EncryptionContext map[string]string
}

// GenerateDataKeyPairWithoutPlaintextInput holds GenerateDataKeyPairWithoutPlaintext's
// arguments: those of GenerateDataKeyPair.
type GenerateDataKeyPairWithoutPlaintextInput = GenerateDataKeyPairInput

// GenerateDataKeyPairOutput is a data key pair (AWS KMS GenerateDataKeyPairOutput).
type GenerateDataKeyPairOutput struct {
	// KeyId is the ARN of the KMS key.
	KeyId       string
	KeyPairSpec string
	// PrivateKeyCiphertextBlob is the private key encrypted under the KMS key: an ordinary blob
	// that Decrypt opens (with the same encryption context).
	PrivateKeyCiphertextBlob []byte
	// PrivateKeyPlaintext is the PKCS#8 DER private key (x509.ParsePKCS8PrivateKey reads it).
	// Use it, then overwrite it; strongroom zeroes its own copy.
	PrivateKeyPlaintext []byte
	// PublicKey is DER SubjectPublicKeyInfo.
	PublicKey []byte
	// KeyMaterialId is the id of the KMS key's material that encrypted the private key.
	KeyMaterialId string
}

// GenerateDataKeyPairWithoutPlaintextOutput is GenerateDataKeyPairOutput without the plaintext
// private key (AWS KMS GenerateDataKeyPairWithoutPlaintextOutput).
type GenerateDataKeyPairWithoutPlaintextOutput struct {
	KeyId                    string
	KeyPairSpec              string
	PrivateKeyCiphertextBlob []byte
	PublicKey                []byte
	KeyMaterialId            string
}

func (ks *Keystore) dataKeyPair(in *GenerateDataKeyPairInput, withPlaintext bool) (*GenerateDataKeyPairOutput, error) {
	if in == nil {
		in = &GenerateDataKeyPairInput{}
	}
	c, err := newContext(in.EncryptionContext, "encryption context")
	if err != nil {
		return nil, err
	}
	defer c.free()
	args, err := cStrings(cArg{in.KeyId, "KeyId", false}, cArg{in.KeyPairSpec, "KeyPairSpec", false})
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	var out *C.sr_data_key_pair
	err = ks.with(func(p *C.sr_keystore) C.sr_status {
		if withPlaintext {
			return C.sr_generate_data_key_pair(p, args[0], args[1], c.pairs, c.n, &out)
		}
		return C.sr_generate_data_key_pair_without_plaintext(p, args[0], args[1], c.pairs, c.n, &out)
	})
	if err != nil {
		return nil, err
	}
	defer C.sr_data_key_pair_free(out)
	return &GenerateDataKeyPairOutput{
		KeyId:                    goString(out.key_id),
		KeyPairSpec:              goString(out.key_pair_spec),
		PrivateKeyCiphertextBlob: optBytes(out.private_key_ciphertext_blob),
		PrivateKeyPlaintext:      optBytes(out.private_key_plaintext),
		PublicKey:                optBytes(out.public_key),
		KeyMaterialId:            C.GoString(&out.key_material_id[0]),
	}, nil
}

// GenerateDataKeyPair makes a fresh asymmetric key pair and encrypts its private key under a
// symmetric key (AWS KMS GenerateDataKeyPair). Another kind of key is ErrInvalidKeyUsage.
func (ks *Keystore) GenerateDataKeyPair(in *GenerateDataKeyPairInput) (*GenerateDataKeyPairOutput, error) {
	return ks.dataKeyPair(in, true)
}

// GenerateDataKeyPairWithoutPlaintext is GenerateDataKeyPair without the plaintext private key
// (AWS KMS GenerateDataKeyPairWithoutPlaintext).
func (ks *Keystore) GenerateDataKeyPairWithoutPlaintext(in *GenerateDataKeyPairWithoutPlaintextInput) (*GenerateDataKeyPairWithoutPlaintextOutput, error) {
	p, err := ks.dataKeyPair(in, false)
	if err != nil {
		return nil, err
	}
	return &GenerateDataKeyPairWithoutPlaintextOutput{
		KeyId:                    p.KeyId,
		KeyPairSpec:              p.KeyPairSpec,
		PrivateKeyCiphertextBlob: p.PrivateKeyCiphertextBlob,
		PublicKey:                p.PublicKey,
		KeyMaterialId:            p.KeyMaterialId,
	}, nil
}

// EncryptWithAlgorithm is Encrypt with AWS KMS Encrypt's EncryptionAlgorithm: "SYMMETRIC_DEFAULT"
// (or "") is Encrypt; "RSAES_OAEP_SHA_1" or "RSAES_OAEP_SHA_256" encrypt with an RSA
// ENCRYPT_DECRYPT key's public key (MGF1 with the same hash, no label) and return the raw OAEP
// ciphertext. RSA takes no encryption context (ErrValidation) and at most modulus bytes - 2 *
// hash - 2 bytes of plaintext (RSA_2048: 214 with SHA-1, 190 with SHA-256).
func (ks *Keystore) EncryptWithAlgorithm(keyID string, plaintext []byte, ctx map[string]string, encryptionAlgorithm string) ([]byte, error) {
	c, err := newContext(ctx, "encryption context")
	if err != nil {
		return nil, err
	}
	defer c.free()
	alg, err := optCString(encryptionAlgorithm, "encryptionAlgorithm")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(alg))
	pt, ptLen := bytesArg(plaintext)
	var out C.sr_buffer
	err = ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_encrypt_with_algorithm(p, id, pt, ptLen, c.pairs, c.n, alg, &out)
	})
	runtime.KeepAlive(plaintext)
	if err != nil {
		return nil, err
	}
	return takeBuffer(&out), nil
}

// DecryptWithAlgorithm is Decrypt with AWS KMS Decrypt's EncryptionAlgorithm: "SYMMETRIC_DEFAULT"
// (or "") is Decrypt; with "RSAES_OAEP_SHA_1" or "RSAES_OAEP_SHA_256", keyID is required (raw
// OAEP ciphertext does not name its key) and ctx must be nil, and ciphertext made anywhere with
// the key's public key (crypto/rsa's EncryptOAEP, openssl) decrypts. Ciphertext that does not
// decrypt is ErrInvalidCiphertext.
func (ks *Keystore) DecryptWithAlgorithm(ciphertextBlob []byte, ctx map[string]string, keyID, encryptionAlgorithm string) ([]byte, error) {
	c, err := newContext(ctx, "encryption context")
	if err != nil {
		return nil, err
	}
	defer c.free()
	args, err := cStrings(cArg{keyID, "keyID", true}, cArg{encryptionAlgorithm, "encryptionAlgorithm", true})
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	blob, blobLen := bytesArg(ciphertextBlob)
	var out C.sr_buffer
	err = ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_decrypt_with_algorithm(p, blob, blobLen, c.pairs, c.n, args[0], args[1], &out)
	})
	runtime.KeepAlive(ciphertextBlob)
	if err != nil {
		return nil, err
	}
	return takeBuffer(&out), nil
}

// ReEncryptWithAlgorithms is ReEncrypt with AWS KMS ReEncrypt's SourceEncryptionAlgorithm and
// DestinationEncryptionAlgorithm ("SYMMETRIC_DEFAULT" or "", "RSAES_OAEP_SHA_1",
// "RSAES_OAEP_SHA_256"): it moves ciphertext between symmetric keys and RSA ENCRYPT_DECRYPT
// keys without the plaintext leaving strongroom. An RSA source algorithm reads raw OAEP
// ciphertext of the key sourceKeyID names (then required: ErrValidation without it) and
// sourceCtx must be nil; an RSA destination algorithm returns raw OAEP ciphertext,
// destinationCtx must be nil (ErrValidation) and the plaintext must fit the key's OAEP limit
// (ErrValidation). An algorithm a key does not allow is ErrInvalidKeyUsage.
func (ks *Keystore) ReEncryptWithAlgorithms(ciphertextBlob []byte, destinationKeyID string, sourceCtx, destinationCtx map[string]string, sourceKeyID, sourceEncryptionAlgorithm, destinationEncryptionAlgorithm string) ([]byte, error) {
	src, err := newContext(sourceCtx, "source encryption context")
	if err != nil {
		return nil, err
	}
	defer src.free()
	dst, err := newContext(destinationCtx, "destination encryption context")
	if err != nil {
		return nil, err
	}
	defer dst.free()
	args, err := cStrings(
		cArg{sourceKeyID, "sourceKeyID", true},
		cArg{sourceEncryptionAlgorithm, "sourceEncryptionAlgorithm", true},
		cArg{destinationEncryptionAlgorithm, "destinationEncryptionAlgorithm", true},
	)
	if err != nil {
		return nil, err
	}
	defer freeAll(args...)
	blob, blobLen := bytesArg(ciphertextBlob)
	var out C.sr_buffer
	err = ks.keyCall(destinationKeyID, func(p *C.sr_keystore, dest *C.char) C.sr_status {
		return C.sr_re_encrypt_with_algorithms(p, blob, blobLen, dest, src.pairs, src.n, dst.pairs, dst.n, args[0], args[1], args[2], &out)
	})
	runtime.KeepAlive(ciphertextBlob)
	if err != nil {
		return nil, err
	}
	return takeBuffer(&out), nil
}
