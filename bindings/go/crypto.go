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

// Encrypt encrypts 1 to 4096 bytes under keyID (key id, ARN, alias name or alias ARN) and
// returns the ciphertext blob (AWS KMS Encrypt). ctx, the encryption context, may be nil; the
// same context is needed to decrypt.
func (ks *Keystore) Encrypt(keyID string, plaintext []byte, ctx map[string]string) ([]byte, error) {
	c, err := newContext(ctx, "encryption context")
	if err != nil {
		return nil, err
	}
	defer c.free()
	pt, ptLen := bytesArg(plaintext)
	var out C.sr_buffer
	err = ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		return C.sr_encrypt(p, id, pt, ptLen, c.pairs, c.n, &out)
	})
	runtime.KeepAlive(plaintext)
	if err != nil {
		return nil, err
	}
	return takeBuffer(&out), nil
}

// Decrypt decrypts a blob (AWS KMS Decrypt). The key comes from the blob; keyID may be "", or
// names the key the caller expects (ErrIncorrectKey if it is another). A wrong context or a
// tampered blob is ErrInvalidCiphertext. strongroom zeroes its own copy of the plaintext; the
// returned slice is the caller's to protect.
func (ks *Keystore) Decrypt(ciphertextBlob []byte, ctx map[string]string, keyID string) ([]byte, error) {
	c, err := newContext(ctx, "encryption context")
	if err != nil {
		return nil, err
	}
	defer c.free()
	id, err := optCString(keyID, "keyID")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(id))
	blob, blobLen := bytesArg(ciphertextBlob)
	var out C.sr_buffer
	err = ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_decrypt(p, blob, blobLen, c.pairs, c.n, id, &out)
	})
	runtime.KeepAlive(ciphertextBlob)
	if err != nil {
		return nil, err
	}
	return takeBuffer(&out), nil
}

// Decrypted is what DecryptWithKeyId returns: the plaintext and the key and key material that
// decrypted it (AWS KMS Decrypt's Plaintext, KeyId and KeyMaterialId).
type Decrypted struct {
	// Plaintext is the caller's to protect (strongroom zeroes its own copy).
	Plaintext []byte
	// KeyId is the ARN of the key that decrypted the blob.
	KeyId string
	// KeyMaterialId is the id of that key's material which decrypted it (64 hex characters).
	KeyMaterialId string
}

// DecryptWithKeyId is Decrypt that also names the key and the key material that decrypted the
// blob. Decrypt is the bytes-only form, which makes no strings.
func (ks *Keystore) DecryptWithKeyId(ciphertextBlob []byte, ctx map[string]string, keyID string) (*Decrypted, error) {
	c, err := newContext(ctx, "encryption context")
	if err != nil {
		return nil, err
	}
	defer c.free()
	id, err := optCString(keyID, "keyID")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(id))
	blob, blobLen := bytesArg(ciphertextBlob)
	var out *C.sr_decrypted
	err = ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_decrypt_with_key_id(p, blob, blobLen, c.pairs, c.n, id, &out)
	})
	runtime.KeepAlive(ciphertextBlob)
	if err != nil {
		return nil, err
	}
	defer C.sr_decrypted_free(out)
	return &Decrypted{
		Plaintext:     C.GoBytes(unsafe.Pointer(out.plaintext.data), C.int(out.plaintext.len)),
		KeyId:         goString(out.key_id),
		KeyMaterialId: C.GoString(&out.key_material_id[0]),
	}, nil
}

// ReEncrypt decrypts a blob and encrypts its plaintext under destinationKeyID without the
// plaintext leaving strongroom (AWS KMS ReEncrypt). sourceKeyID may be "".
func (ks *Keystore) ReEncrypt(ciphertextBlob []byte, destinationKeyID string, sourceCtx, destinationCtx map[string]string, sourceKeyID string) ([]byte, error) {
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
	srcID, err := optCString(sourceKeyID, "sourceKeyID")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(srcID))
	blob, blobLen := bytesArg(ciphertextBlob)
	var out C.sr_buffer
	err = ks.keyCall(destinationKeyID, func(p *C.sr_keystore, dest *C.char) C.sr_status {
		return C.sr_re_encrypt(p, blob, blobLen, dest, src.pairs, src.n, dst.pairs, dst.n, srcID, &out)
	})
	runtime.KeepAlive(ciphertextBlob)
	if err != nil {
		return nil, err
	}
	return takeBuffer(&out), nil
}

// DataKey is a data key for envelope encryption (AWS KMS GenerateDataKey's result).
type DataKey struct {
	// Plaintext is the data key (nil from GenerateDataKeyWithoutPlaintext). Use it, then
	// overwrite it; keep only CiphertextBlob.
	Plaintext []byte
	// CiphertextBlob is the data key encrypted under the KMS key; Decrypt recovers it.
	CiphertextBlob []byte
	// KeyId is the ARN of the KMS key.
	KeyId string
	// KeyMaterialId is the id of the KMS key's material that encrypted the data key.
	KeyMaterialId string
}

func (ks *Keystore) dataKey(keyID, keySpec string, numberOfBytes uint32, ctx map[string]string, withPlaintext bool) (*DataKey, error) {
	c, err := newContext(ctx, "encryption context")
	if err != nil {
		return nil, err
	}
	defer c.free()
	spec, err := optCString(keySpec, "keySpec")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(spec))
	var out *C.sr_data_key
	err = ks.keyCall(keyID, func(p *C.sr_keystore, id *C.char) C.sr_status {
		if withPlaintext {
			return C.sr_generate_data_key(p, id, spec, C.uint32_t(numberOfBytes), c.pairs, c.n, &out)
		}
		return C.sr_generate_data_key_without_plaintext(p, id, spec, C.uint32_t(numberOfBytes), c.pairs, c.n, &out)
	})
	if err != nil {
		return nil, err
	}
	defer C.sr_data_key_free(out)
	dk := &DataKey{
		CiphertextBlob: C.GoBytes(unsafe.Pointer(out.ciphertext_blob.data), C.int(out.ciphertext_blob.len)),
		KeyId:          goString(out.key_id),
		KeyMaterialId:  C.GoString(&out.key_material_id[0]),
	}
	if out.plaintext.data != nil {
		dk.Plaintext = C.GoBytes(unsafe.Pointer(out.plaintext.data), C.int(out.plaintext.len))
	}
	return dk, nil
}

// GenerateDataKey makes a fresh data key and its blob under keyID (AWS KMS GenerateDataKey).
// Size: keySpec "AES_256" (32 bytes) or "AES_128" (16), or numberOfBytes 1 to 1024; give one or
// neither ("" and 0: AES_256), not both.
func (ks *Keystore) GenerateDataKey(keyID, keySpec string, numberOfBytes uint32, ctx map[string]string) (*DataKey, error) {
	return ks.dataKey(keyID, keySpec, numberOfBytes, ctx, true)
}

// GenerateDataKeyWithoutPlaintext is GenerateDataKey returning only the blob and key id (AWS
// KMS GenerateDataKeyWithoutPlaintext).
func (ks *Keystore) GenerateDataKeyWithoutPlaintext(keyID, keySpec string, numberOfBytes uint32, ctx map[string]string) (*DataKey, error) {
	return ks.dataKey(keyID, keySpec, numberOfBytes, ctx, false)
}

// GenerateRandom returns numberOfBytes (1 to 1024) bytes from the OS CSPRNG (AWS KMS
// GenerateRandom).
func (ks *Keystore) GenerateRandom(numberOfBytes uint32) ([]byte, error) {
	buf := make([]byte, numberOfBytes)
	var n C.size_t
	ptr, size := bytesArg(buf)
	err := ks.with(func(p *C.sr_keystore) C.sr_status {
		return C.sr_generate_random(p, C.uint32_t(numberOfBytes), ptr, size, &n)
	})
	runtime.KeepAlive(buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}
