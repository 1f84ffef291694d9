package strongroom

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/iotest"
)

const chunk = 64 * 1024

// pattern is deterministic pseudo-random bytes (xorshift).
func pattern(n int, seed uint32) []byte {
	b := make([]byte, n)
	x := seed | 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func encryptBytes(t *testing.T, ks *Keystore, keyID string, ctx map[string]string, plain []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	must(t, ks.EncryptStream(keyID, ctx, bytes.NewReader(plain), &out))
	return out.Bytes()
}

func TestStreamRoundTrips(t *testing.T) {
	ks, _, _ := open(t)
	k := newKey(t, ks)
	ctx := map[string]string{"file": "backup.tar"}
	for _, n := range []int{0, 1, chunk - 1, chunk, chunk + 1, 3*chunk + 5, 70*chunk + 3} {
		plain := pattern(n, uint32(n)+1)
		// A reader that returns one byte at a time for small inputs, half reads for large ones.
		var r io.Reader = iotest.HalfReader(bytes.NewReader(plain))
		if n < 2*chunk {
			r = iotest.OneByteReader(bytes.NewReader(plain))
		}
		var enc bytes.Buffer
		must(t, ks.EncryptStream(k.KeyId, ctx, r, &enc))
		chunks := (n + chunk - 1) / chunk
		if chunks == 0 {
			chunks = 1
		}
		if enc.Len() <= n+16*chunks || !bytes.HasPrefix(enc.Bytes(), []byte("SRFILE")) {
			t.Fatalf("%d bytes: encrypted stream of %d bytes", n, enc.Len())
		}
		var dec bytes.Buffer
		must(t, ks.DecryptStream(ctx, k.Arn, iotest.DataErrReader(bytes.NewReader(enc.Bytes())), &dec))
		if !bytes.Equal(dec.Bytes(), plain) {
			t.Fatalf("%d bytes: round trip differs", n)
		}
	}
}

func TestStreamFiles(t *testing.T) {
	ks, _, _ := open(t)
	k := newKey(t, ks)
	dir := t.TempDir()
	plain := pattern(5*chunk+11, 5)
	must(t, os.WriteFile(filepath.Join(dir, "plain"), plain, 0o600))
	in, err := os.Open(filepath.Join(dir, "plain"))
	must(t, err)
	out, err := os.Create(filepath.Join(dir, "plain.sr"))
	must(t, err)
	must(t, ks.EncryptStream(k.KeyId, nil, in, out))
	must(t, in.Close())
	must(t, out.Close())
	in, err = os.Open(filepath.Join(dir, "plain.sr"))
	must(t, err)
	defer in.Close()
	var dec bytes.Buffer
	must(t, ks.DecryptStream(nil, "", in, &dec))
	if !bytes.Equal(dec.Bytes(), plain) {
		t.Fatal("file round trip differs")
	}
}

func TestStreamDamageContextKeyAndState(t *testing.T) {
	ks, _, _ := open(t)
	k := newKey(t, ks)
	other := newKey(t, ks)
	ctx := map[string]string{"host": "db1"}
	plain := pattern(3*chunk+100, 9)
	enc := encryptBytes(t, ks, k.KeyId, ctx, plain)
	decrypt := func(b []byte, ctx map[string]string, keyID string) (int, error) {
		var out bytes.Buffer
		err := ks.DecryptStream(ctx, keyID, bytes.NewReader(b), &out)
		return out.Len(), err
	}
	header := len(enc) - len(plain) - 4*16
	flipped := append([]byte(nil), enc...)
	flipped[header+chunk+40] ^= 1
	for name, b := range map[string][]byte{
		"bit flipped":   flipped,
		"last byte cut": enc[:len(enc)-1],
		"chunk dropped": enc[:header+3*(chunk+16)],
		"header cut":    enc[:20],
		"not a stream":  []byte("just some text"),
	} {
		_, err := decrypt(b, ctx, "")
		if !errors.Is(err, ErrInvalidCiphertext) {
			t.Fatalf("%s: got %v", name, err)
		}
	}
	if n, err := decrypt(enc, nil, ""); !errors.Is(err, ErrInvalidCiphertext) || n != 0 {
		t.Fatalf("missing context: %v (%d bytes written)", err, n)
	}
	if n, err := decrypt(enc, ctx, other.KeyId); !errors.Is(err, ErrIncorrectKey) || n != 0 {
		t.Fatalf("other key: %v (%d bytes written)", err, n)
	}
	must(t, ks.DisableKey(k.KeyId))
	_, err := decrypt(enc, ctx, "")
	expect(t, err, ErrDisabled)
	read := 0
	r := readerFunc(func(p []byte) (int, error) { read++; return 0, io.EOF })
	expect(t, ks.EncryptStream(k.KeyId, nil, r, io.Discard), ErrDisabled)
	if read != 0 {
		t.Fatal("a refused key read the input")
	}
	expect(t, ks.EncryptStream("alias/missing", nil, r, io.Discard), ErrNotFound)
	expect(t, ks.EncryptStream("a\x00b", nil, r, io.Discard), ErrValidation)
	expect(t, ks.DecryptStream(nil, "a\x00b", r, io.Discard), ErrValidation)
	expect(t, ks.EncryptStream(k.KeyId, map[string]string{"": "v"}, r, io.Discard), ErrValidation)
	must(t, ks.EnableKey(k.KeyId))
	if n, err := decrypt(enc, ctx, ""); err != nil || n != len(plain) {
		t.Fatalf("undamaged: %v (%d bytes)", err, n)
	}
	must(t, ks.Close())
	expect(t, ks.EncryptStream(k.KeyId, nil, r, io.Discard), ErrClosed)
	expect(t, ks.DecryptStream(nil, "", r, io.Discard), ErrClosed)
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestStreamReaderAndWriterErrors(t *testing.T) {
	ks, _, _ := open(t)
	k := newKey(t, ks)
	plain := pattern(2*chunk, 3)
	enc := encryptBytes(t, ks, k.KeyId, nil, plain)
	boom := errors.New("disk on fire")

	check := func(name string, err error, op string) {
		t.Helper()
		var se *StreamError
		if !errors.Is(err, ErrIo) || !errors.Is(err, boom) || !errors.As(err, &se) || se.Op != op {
			t.Fatalf("%s: got %v", name, err)
		}
	}
	check("encrypt, reader fails at once",
		ks.EncryptStream(k.KeyId, nil, iotest.ErrReader(boom), io.Discard), "reading the input")
	check("encrypt, reader fails after data (error with the data)",
		ks.EncryptStream(k.KeyId, nil, io.MultiReader(bytes.NewReader(plain[:100]), iotest.ErrReader(boom)), io.Discard),
		"reading the input")
	check("encrypt, reader returns data and the error together",
		ks.EncryptStream(k.KeyId, nil, readerFunc(func(p []byte) (int, error) { return copy(p, "abc"), boom }), io.Discard),
		"reading the input")
	check("decrypt, reader fails in the chunks",
		ks.DecryptStream(nil, "", io.MultiReader(bytes.NewReader(enc[:200]), iotest.ErrReader(boom)), io.Discard),
		"reading the input")
	failing := writerFunc(func(p []byte) (int, error) { return 0, boom })
	check("encrypt, writer fails", ks.EncryptStream(k.KeyId, nil, bytes.NewReader(plain), failing), "writing the output")
	check("decrypt, writer fails", ks.DecryptStream(nil, "", bytes.NewReader(enc), failing), "writing the output")
	short := writerFunc(func(p []byte) (int, error) { return len(p) / 2, nil })
	err := ks.EncryptStream(k.KeyId, nil, bytes.NewReader(plain), short)
	if !errors.Is(err, io.ErrShortWrite) || !errors.Is(err, ErrIo) {
		t.Fatalf("short write: got %v", err)
	}
	if got := (&StreamError{Op: "reading the input", Err: boom}).Error(); got != "strongroom: reading the input: disk on fire" {
		t.Fatal(got)
	}
	// A reader that returns 0 bytes and no error is asked again.
	zeros := 0
	r := bytes.NewReader(plain)
	lazy := readerFunc(func(p []byte) (int, error) {
		zeros++
		if zeros%2 == 1 {
			return 0, nil
		}
		return r.Read(p)
	})
	var out bytes.Buffer
	must(t, ks.EncryptStream(k.KeyId, nil, lazy, &out))
	var dec bytes.Buffer
	must(t, ks.DecryptStream(nil, "", &out, &dec))
	if !bytes.Equal(dec.Bytes(), plain) {
		t.Fatal("lazy reader round trip differs")
	}
}

func TestStreamPanicInReaderIsRaisedAgain(t *testing.T) {
	ks, _, _ := open(t)
	k := newKey(t, ks)
	defer func() {
		if p := recover(); p != "reader exploded" {
			t.Fatalf("recovered %v", p)
		}
		// The keystore still works afterwards.
		must(t, ks.EncryptStream(k.KeyId, nil, bytes.NewReader([]byte("x")), io.Discard))
	}()
	_ = ks.EncryptStream(k.KeyId, nil, readerFunc(func([]byte) (int, error) { panic("reader exploded") }), io.Discard)
	t.Fatal("no panic")
}

func TestStreamsOnManyGoroutines(t *testing.T) {
	ks, _, _ := open(t)
	k := newKey(t, ks)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			plain := pattern(chunk*(i+1)+i, uint32(i)+3)
			ctx := map[string]string{"n": fmt.Sprint(i)}
			var enc, dec bytes.Buffer
			if err := ks.EncryptStream(k.KeyId, ctx, bytes.NewReader(plain), &enc); err != nil {
				errs <- err
				return
			}
			if err := ks.DecryptStream(ctx, "", &enc, &dec); err != nil {
				errs <- err
				return
			}
			if !bytes.Equal(dec.Bytes(), plain) {
				errs <- fmt.Errorf("goroutine %d: round trip differs", i)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// ExampleKeystore_EncryptStream encrypts a stream of any size under a key and decrypts it again.
func ExampleKeystore_EncryptStream() {
	dir, _ := os.MkdirTemp("", "strongroom-example")
	defer os.RemoveAll(dir)
	ks, err := Create(filepath.Join(dir, "example.strongroom"), []byte("correct horse"), &Options{InsecureFastKDFForTests: true})
	if err != nil {
		panic(err)
	}
	defer ks.Close()
	key, _ := ks.CreateKey(nil)
	ctx := map[string]string{"file": "report.csv"}

	var encrypted bytes.Buffer
	if err := ks.EncryptStream(key.KeyId, ctx, bytes.NewReader([]byte("date,amount\n2026-12-01,42\n")), &encrypted); err != nil {
		panic(err)
	}
	var decrypted bytes.Buffer
	if err := ks.DecryptStream(ctx, "", &encrypted, &decrypted); err != nil {
		panic(err)
	}
	fmt.Print(decrypted.String())
	// Output:
	// date,amount
	// 2026-12-01,42
}
