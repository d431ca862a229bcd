package argon2pool

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"golang.org/x/crypto/argon2"
)

// Every output equals x/crypto's for the same inputs, including when the memory was used by an
// earlier hash of other parameters, and when hashes run at once.
func TestIDKey_EqualsXCryptoByteForByte(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type tc struct {
		pw, salt     []byte
		time, memory uint32
		threads      uint8
		keyLen       uint32
	}
	var cases []tc
	for i := range 24 {
		pw := make([]byte, rng.IntN(40))
		salt := make([]byte, 8+rng.IntN(24))
		for j := range pw {
			pw[j] = byte(rng.Uint32())
		}
		for j := range salt {
			salt[j] = byte(rng.Uint32())
		}
		// A few memory sizes repeat, so a size is served from the free list with another hash's
		// leftovers (cleared) and a size differs from what the list holds.
		cases = append(cases, tc{pw, salt, 1 + uint32(i%3), []uint32{64, 256, 1024, 256}[i%4], 1 + uint8(i%4), 16 + uint32(i%3)*16})
	}
	// The provider's own parameters, twice: the second hash reuses the first one's memory.
	cases = append(cases, tc{[]byte("https://calc-api.example.com"), []byte("salt-0123456789"), 1, 46 * 1024, 1, 32},
		tc{[]byte("another secret"), []byte("salt-abcdefghij"), 1, 46 * 1024, 1, 32})
	for i, c := range cases {
		want := argon2.IDKey(c.pw, c.salt, c.time, c.memory, c.threads, c.keyLen)
		if got := IDKey(c.pw, c.salt, c.time, c.memory, c.threads, c.keyLen); !bytes.Equal(got, want) {
			t.Fatalf("case %d (t=%d m=%d p=%d len=%d): %x, x/crypto %x", i, c.time, c.memory, c.threads, c.keyLen, got, want)
		}
	}

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			pw := []byte(fmt.Sprintf("secret-%d", g))
			salt := []byte(fmt.Sprintf("salt-of-goroutine-%d", g))
			for range 3 {
				if got, want := IDKey(pw, salt, 2, 512, 2, 32), argon2.IDKey(pw, salt, 2, 512, 2, 32); !bytes.Equal(got, want) {
					errs <- fmt.Errorf("goroutine %d: %x, x/crypto %x", g, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// Upstream's Argon2id vectors (x/crypto v0.50.0 argon2_test.go, password "password", salt
// "somesalt"), run twice so the second round reuses the first one's memory.
func TestIDKey_UpstreamVectors(t *testing.T) {
	for _, v := range []struct {
		time, memory uint32
		threads      uint8
		hash         string
	}{
		{1, 64, 1, "655ad15eac652dc59f7170a7332bf49b8469be1fdb9c28bb"},
		{2, 64, 1, "068d62b26455936aa6ebe60060b0a65870dbfa3ddf8d41f7"},
		{2, 64, 2, "350ac37222f436ccb5c0972f1ebd3bf6b958bf2071841362"},
		{3, 256, 2, "4668d30ac4187e6878eedeacf0fd83c5a0a30db2cc16ef0b"},
		{4, 4096, 4, "145db9733a9f4ee43edf33c509be96b934d505a4efb33c5a"},
		{4, 1024, 8, "8dafa8e004f8ea96bf7c0f93eecf67a6047476143d15577f"},
		{2, 64, 3, "4a15b31aec7c2590b87d1f520be7d96f56658172deaa3079"},
		{3, 1024, 6, "1640b932f4b60e272f5d2207b9a9c626ffa1bd88d2349016"},
	} {
		for round := range 2 {
			got := IDKey([]byte("password"), []byte("somesalt"), v.time, v.memory, v.threads, 24)
			if fmt.Sprintf("%x", got) != v.hash {
				t.Errorf("round %d, t=%d m=%d p=%d: %x, want %s", round, v.time, v.memory, v.threads, got, v.hash)
			}
		}
	}
}

// A finished hash's memory is kept cleared: it held a secret's derivation.
func TestIDKey_KeepsItsMemoryCleared(t *testing.T) {
	for len(freeBlocks) > 0 {
		<-freeBlocks
	}
	IDKey([]byte("a secret value"), []byte("some salt 123"), 1, 256, 1, 32)
	if len(freeBlocks) != 1 {
		t.Fatalf("free list holds %d memories, want the one just used", len(freeBlocks))
	}
	B := <-freeBlocks
	for i := range B {
		if B[i] != (block{}) {
			t.Fatalf("block %d of %d not cleared", i, len(B))
		}
	}
}
