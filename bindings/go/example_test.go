package strongroom_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	strongroom "github.com/strongroom/strongroom/bindings/go"
)

func Example() {
	dir, err := os.MkdirTemp("", "strongroom-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// InsecureFastKDFForTests keeps the example fast; leave it out for real keystores.
	opts := &strongroom.Options{InsecureFastKDFForTests: true}
	ks, err := strongroom.Create(filepath.Join(dir, "app.strongroom"), []byte("correct horse"), opts)
	if err != nil {
		log.Fatal(err)
	}
	defer ks.Close()

	key, err := ks.CreateKey(&strongroom.CreateKeyInput{Description: "app secrets"})
	if err != nil {
		log.Fatal(err)
	}
	if err := ks.CreateAlias("alias/app", key.KeyId); err != nil {
		log.Fatal(err)
	}
	ctx := map[string]string{"purpose": "example"}
	blob, err := ks.Encrypt("alias/app", []byte("attack at dawn"), ctx)
	if err != nil {
		log.Fatal(err)
	}
	plaintext, err := ks.Decrypt(blob, ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(plaintext))

	// Errors match their SPEC name with errors.Is.
	_, err = ks.Decrypt(blob, nil, "")
	fmt.Println(errors.Is(err, strongroom.ErrInvalidCiphertext))
	if err := ks.DisableKey(key.KeyId); err != nil {
		log.Fatal(err)
	}
	_, err = ks.Encrypt("alias/app", []byte("more"), ctx)
	fmt.Println(errors.Is(err, strongroom.ErrDisabled), key.KeyState)
	// Output:
	// attack at dawn
	// true
	// true Enabled
}
