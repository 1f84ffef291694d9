package strongroom

import "errors"

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

func (e *Error) Error() string { return "strongroom: " + e.Message }

// Unwrap returns the sentinel (ErrNotFound, ErrDisabled, ...).
func (e *Error) Unwrap() error { return e.sentinel }

// sentinels maps C status codes (include/strongroom.h) to sentinels.
var sentinels = map[uint32]error{
	100: ErrNotFound, 101: ErrAlreadyExists, 102: ErrValidation, 103: ErrDisabled,
	104: ErrInvalidState, 105: ErrInvalidCiphertext, 106: ErrIncorrectKey,
	107: ErrInvalidKeyUsage, 108: ErrLimitExceeded, 109: ErrUnsupportedOperation,
	110: ErrExpiredImportToken, 111: ErrInvalidImportToken, 112: ErrIncorrectKeyMaterial,
	113: ErrAuthenticationFailed, 114: ErrLocked, 115: ErrCorrupt, 116: ErrIo,
	202: ErrInvalidUTF8,
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
