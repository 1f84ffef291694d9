package strongroom

/*
#include "strongroom.h"
*/
import "C"

import (
	"errors"
	"strings"
)

// Sentinel errors, one per SPEC error name, for errors.Is. Every error a Keystore returns is an
// *Error that wraps exactly one of them.
var (
	ErrNotFound             = errors.New("strongroom: NotFound")
	ErrAlreadyExists        = errors.New("strongroom: AlreadyExists")
	ErrValidation           = errors.New("strongroom: Validation")
	ErrDisabled             = errors.New("strongroom: Disabled")
	ErrInvalidState         = errors.New("strongroom: InvalidState")
	ErrInvalidCiphertext    = errors.New("strongroom: InvalidCiphertext")
	ErrIncorrectKey         = errors.New("strongroom: IncorrectKey")
	ErrInvalidKeyUsage      = errors.New("strongroom: InvalidKeyUsage")
	ErrLimitExceeded        = errors.New("strongroom: LimitExceeded")
	ErrUnsupportedOperation = errors.New("strongroom: UnsupportedOperation")
	ErrExpiredImportToken   = errors.New("strongroom: ExpiredImportToken")
	ErrInvalidImportToken   = errors.New("strongroom: InvalidImportToken")
	ErrIncorrectKeyMaterial = errors.New("strongroom: IncorrectKeyMaterial")
	ErrAuthenticationFailed = errors.New("strongroom: AuthenticationFailed")
	ErrLocked               = errors.New("strongroom: Locked")
	ErrCorrupt              = errors.New("strongroom: Corrupt")
	ErrIo                   = errors.New("strongroom: Io")
	ErrInvalidTag           = errors.New("strongroom: InvalidTag")
	ErrInvalidMarker        = errors.New("strongroom: InvalidMarker")
	ErrDryRunOperation      = errors.New("strongroom: DryRunOperation")

	// ErrKMSInvalidSignature: Verify found the signature invalid (never a "false" answer).
	ErrKMSInvalidSignature = errors.New("strongroom: KMSInvalidSignature")
	// ErrKMSInvalidMac: VerifyMac found the MAC invalid.
	ErrKMSInvalidMac = errors.New("strongroom: KMSInvalidMac")
	// ErrDecryptionFailure: a secret's KMS key cannot decrypt it (disabled, pending deletion).
	ErrDecryptionFailure = errors.New("strongroom: DecryptionFailure")
	// ErrEncryptionFailure: a secret's KMS key cannot encrypt its new value.
	ErrEncryptionFailure = errors.New("strongroom: EncryptionFailure")
	// ErrAccessDenied: a key policy or grant refused the caller (server callers only).
	ErrAccessDenied = errors.New("strongroom: AccessDenied")
	// ErrMalformedPolicyDocument: the key policy does not parse, names an unknown principal,
	// or would lock the key out.
	ErrMalformedPolicyDocument = errors.New("strongroom: MalformedPolicyDocument")
	// ErrInvalidGrantToken: the grant token is malformed or its grant is gone.
	ErrInvalidGrantToken = errors.New("strongroom: InvalidGrantToken")
	// ErrPublicPolicy: a secret's resource policy, given with BlockPublicPolicy, allows every
	// principal (AWS Secrets Manager's PublicPolicyException).
	ErrPublicPolicy = errors.New("strongroom: PublicPolicy")

	// ErrInvalidUTF8: a string argument is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("strongroom: InvalidUtf8")
	// ErrInternal: a C-level condition that this binding should never cause (a NULL pointer, a
	// short buffer), a caught panic inside strongroom, or an unknown status. Please report it.
	ErrInternal = errors.New("strongroom: internal error")
	// ErrClosed: the Keystore (or ManualClock) has been closed.
	ErrClosed = errors.New("strongroom: closed")
)

// Error is a failed strongroom call: the C status, its SPEC name, and the message (what was
// wrong and what to do; never secrets). It wraps the matching sentinel.
type Error struct {
	Status   uint32
	Name     string
	Message  string
	sentinel error
}

// Error is "strongroom: NAME: message", NAME being the error's name (NotFound, Disabled, ...).
func (e *Error) Error() string {
	if e.Name == "" || strings.HasPrefix(e.Message, e.Name+": ") {
		return "strongroom: " + e.Message
	}
	return "strongroom: " + e.Name + ": " + e.Message
}

// Unwrap returns the sentinel (ErrNotFound, ErrDisabled, ...).
func (e *Error) Unwrap() error { return e.sentinel }

// sentinels maps C status codes (the header's SR_STATUS_* values) to sentinels. The C-only codes
// not here (NullParameter, InsufficientSize, Panic, UnknownError) are ErrInternal.
var sentinels = map[uint32]error{
	C.SR_STATUS_NOT_FOUND:                 ErrNotFound,
	C.SR_STATUS_ALREADY_EXISTS:            ErrAlreadyExists,
	C.SR_STATUS_VALIDATION:                ErrValidation,
	C.SR_STATUS_DISABLED:                  ErrDisabled,
	C.SR_STATUS_INVALID_STATE:             ErrInvalidState,
	C.SR_STATUS_INVALID_CIPHERTEXT:        ErrInvalidCiphertext,
	C.SR_STATUS_INCORRECT_KEY:             ErrIncorrectKey,
	C.SR_STATUS_INVALID_KEY_USAGE:         ErrInvalidKeyUsage,
	C.SR_STATUS_LIMIT_EXCEEDED:            ErrLimitExceeded,
	C.SR_STATUS_UNSUPPORTED_OPERATION:     ErrUnsupportedOperation,
	C.SR_STATUS_EXPIRED_IMPORT_TOKEN:      ErrExpiredImportToken,
	C.SR_STATUS_INVALID_IMPORT_TOKEN:      ErrInvalidImportToken,
	C.SR_STATUS_INCORRECT_KEY_MATERIAL:    ErrIncorrectKeyMaterial,
	C.SR_STATUS_AUTHENTICATION_FAILED:     ErrAuthenticationFailed,
	C.SR_STATUS_LOCKED:                    ErrLocked,
	C.SR_STATUS_CORRUPT:                   ErrCorrupt,
	C.SR_STATUS_IO:                        ErrIo,
	C.SR_STATUS_KMS_INVALID_SIGNATURE:     ErrKMSInvalidSignature,
	C.SR_STATUS_KMS_INVALID_MAC:           ErrKMSInvalidMac,
	C.SR_STATUS_INVALID_TAG:               ErrInvalidTag,
	C.SR_STATUS_INVALID_MARKER:            ErrInvalidMarker,
	C.SR_STATUS_DRY_RUN_OPERATION:         ErrDryRunOperation,
	C.SR_STATUS_DECRYPTION_FAILURE:        ErrDecryptionFailure,
	C.SR_STATUS_ENCRYPTION_FAILURE:        ErrEncryptionFailure,
	C.SR_STATUS_ACCESS_DENIED:             ErrAccessDenied,
	C.SR_STATUS_MALFORMED_POLICY_DOCUMENT: ErrMalformedPolicyDocument,
	C.SR_STATUS_INVALID_GRANT_TOKEN:       ErrInvalidGrantToken,
	C.SR_STATUS_PUBLIC_POLICY:             ErrPublicPolicy,
	C.SR_STATUS_CLOSED:                    ErrClosed, // a handle closed (from another thread) under the call
	C.SR_STATUS_INVALID_UTF8:              ErrInvalidUTF8,
}

// statusToError is the one translation from a C status to a Go error. It reads the thread's
// last error message, so it must run on the OS thread that made the call.
func statusToError(status uint32) error {
	sentinel, ok := sentinels[status]
	if !ok {
		sentinel = ErrInternal
	}
	return &Error{Status: status, Name: statusName(status), Message: lastErrorMessage(), sentinel: sentinel}
}
