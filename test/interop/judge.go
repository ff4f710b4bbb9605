// The outside judge: Go's reference code (golang.org/x/mod/sumdb/note and tlog) checks what our TypeScript writes,
// and writes what ours must read. Built by test/node/log-interop.test.ts with Debian's golang-go and
// golang-golang-x-mod-dev: GO111MODULE=off GOPATH=/usr/share/gocode go build -o judge judge.go
//
//	judge vectors   prints known-answer vectors (fixed leaves, keys from fixed seeds) as JSON
//	judge check     reads our outputs as JSON on stdin and prints Go's verdict on each
//	judge site      reads {base, verifierKey, index, oldCheckpoint, witnessKey} on stdin and checks a served log:
//	                the checkpoint opened with note.Open, entry <index> read from its bundle and proved with
//	                tlog.ProveRecord/CheckRecord over tlog.TileHashReader on the served tiles, the old checkpoint's
//	                tree with ProveTree/CheckTree, and the witness's cosignature
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func unb64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		fail("bad base64 %q: %v", s, err)
	}
	return b
}

func hash(s string) tlog.Hash {
	var h tlog.Hash
	if copy(h[:], unb64(s)) != tlog.HashSize {
		fail("not a 32-byte hash: %q", s)
	}
	return h
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "judge: "+format+"\n", args...)
	os.Exit(1)
}

// entry is the i-th leaf of every tree in the vectors.
func entry(i int64) []byte { return []byte("entry " + strconv.FormatInt(i, 10)) }

// memory is a tlog hash store: stored hashes in StoredHashIndex order.
type memory []tlog.Hash

func (m memory) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x >= int64(len(m)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

func build(n int64) memory {
	var m memory
	for i := int64(0); i < n; i++ {
		hashes, err := tlog.StoredHashes(i, entry(i), m)
		if err != nil {
			fail("StoredHashes: %v", err)
		}
		m = append(m, hashes...)
	}
	return m
}

// seeded is a key pair from a fixed seed, so the vectors never change.
func seeded(name, seedText string) (skey, vkey string) {
	seed := sha256.Sum256([]byte(seedText))
	skey, vkey, err := note.GenerateKey(bytes.NewReader(seed[:]), name)
	if err != nil {
		fail("GenerateKey: %v", err)
	}
	return skey, vkey
}

func sign(text, skey string) string {
	signer, err := note.NewSigner(skey)
	if err != nil {
		fail("NewSigner: %v", err)
	}
	msg, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		fail("Sign: %v", err)
	}
	return string(msg)
}

// cosignature/v1 (C2SP tlog-cosignature), written here from the spec, independently of our TypeScript.
func cosignKeyID(name string, pub ed25519.PublicKey) uint32 {
	sum := sha256.Sum256(append([]byte(name+"\n\x04"), pub...))
	return binary.BigEndian.Uint32(sum[:4])
}

func cosignMessage(t uint64, text string) []byte {
	return []byte(fmt.Sprintf("cosignature/v1\ntime %d\n%s", t, text))
}

func cosignLine(name string, priv ed25519.PrivateKey, t uint64, text string) string {
	sig := make([]byte, 12, 12+64)
	binary.BigEndian.PutUint32(sig, cosignKeyID(name, priv.Public().(ed25519.PublicKey)))
	binary.BigEndian.PutUint64(sig[4:], t)
	sig = append(sig, ed25519.Sign(priv, cosignMessage(t, text))...)
	return "— " + name + " " + b64(sig) + "\n"
}

type proof struct {
	Index    int64    `json:"index,omitempty"`
	Size     int64    `json:"size"`
	Root     string   `json:"root"`
	LeafHash string   `json:"leafHash,omitempty"`
	OldSize  int64    `json:"oldSize,omitempty"`
	OldRoot  string   `json:"oldRoot,omitempty"`
	Proof    []string `json:"proof"`
}

func strs(hs []tlog.Hash) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, b64(h[:]))
	}
	return out
}

var sizes = []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 1000}

func vectors() interface{} {
	const tileTree = 70000
	m := build(tileTree)
	root := func(n int64) tlog.Hash {
		h, err := tlog.TreeHash(n, m)
		if err != nil {
			fail("TreeHash: %v", err)
		}
		return h
	}

	leafHashes := [][2]string{}
	for _, e := range []string{"", "a", "entry 0", "\x00\x01\x02", "— é ✓\n"} {
		h := tlog.RecordHash([]byte(e))
		leafHashes = append(leafHashes, [2]string{b64([]byte(e)), b64(h[:])})
	}
	roots := map[string]string{}
	for n := int64(1); n <= 70; n++ {
		h := root(n)
		roots[strconv.FormatInt(n, 10)] = b64(h[:])
	}
	for _, n := range []int64{100, 255, 256, 257, 1000, 65535, 65536, 65537, tileTree} {
		h := root(n)
		roots[strconv.FormatInt(n, 10)] = b64(h[:])
	}

	inclusion, consistency := []proof{}, []proof{}
	for _, n := range sizes {
		seen := map[int64]bool{}
		for _, i := range []int64{0, 1, n / 2, n - 2, n - 1} {
			if i < 0 || i >= n || seen[i] {
				continue
			}
			seen[i] = true
			p, err := tlog.ProveRecord(n, i, m)
			if err != nil {
				fail("ProveRecord: %v", err)
			}
			lh, r := tlog.RecordHash(entry(i)), root(n)
			inclusion = append(inclusion, proof{Index: i, Size: n, Root: b64(r[:]), LeafHash: b64(lh[:]), Proof: strs(p)})
		}
		seen = map[int64]bool{}
		for _, old := range []int64{1, 2, 3, n / 2, n - 1, n} {
			if old < 1 || old > n || seen[old] {
				continue
			}
			seen[old] = true
			p, err := tlog.ProveTree(n, old, m)
			if err != nil {
				fail("ProveTree: %v", err)
			}
			or, r := root(old), root(n)
			consistency = append(consistency, proof{OldSize: old, OldRoot: b64(or[:]), Size: n, Root: b64(r[:]), Proof: strs(p)})
		}
	}

	tiles := [][2]string{}
	for _, t := range tlog.NewTiles(8, 0, tileTree) {
		data, err := tlog.ReadTileData(t, m)
		if err != nil {
			fail("ReadTileData: %v", err)
		}
		sum := sha256.Sum256(data)
		tiles = append(tiles, [2]string{t.Path(), hex.EncodeToString(sum[:])})
	}

	logSkey, logVkey := seeded("example.com/log", "known-answer log key")
	otherSkey, otherVkey := seeded("example.com/other", "known-answer other key")
	r := root(13)
	checkpoint := "example.com/log\n13\n" + b64(r[:]) + "\n"
	signed := sign(checkpoint, logSkey)
	both, err := note.Sign(&note.Note{Text: checkpoint}, mustSigner(logSkey), mustSigner(otherSkey))
	if err != nil {
		fail("Sign: %v", err)
	}

	seed := sha256.Sum256([]byte("known-answer witness key"))
	witness := ed25519.NewKeyFromSeed(seed[:])
	pub := witness.Public().(ed25519.PublicKey)
	wid := cosignKeyID("example.com/witness", pub)
	witnessVkey := fmt.Sprintf("example.com/witness+%08x+%s", wid, b64(append([]byte{4}, pub...)))
	witnessSkey := fmt.Sprintf("PRIVATE+KEY+example.com/witness+%08x+%s", wid, b64(append([]byte{4}, seed[:]...)))
	const t = 1767225600
	cosigned := signed + cosignLine("example.com/witness", witness, t, checkpoint)

	emptyRoot := sha256.Sum256(nil)
	return map[string]interface{}{
		"entry":       "entry <i> in UTF-8, for i from 0",
		"emptyRoot":   b64(emptyRoot[:]),
		"leafHashes":  leafHashes,
		"roots":       roots,
		"inclusion":   inclusion,
		"consistency": consistency,
		"tiles":       map[string]interface{}{"size": tileTree, "sha256": tiles},
		"notes": map[string]interface{}{
			"logSignerKey":       logSkey,
			"logVerifierKey":     logVkey,
			"otherSignerKey":     otherSkey,
			"otherVerifierKey":   otherVkey,
			"checkpointText":     checkpoint,
			"signedByLog":        signed,
			"signedByBoth":       string(both),
			"witnessSignerKey":   witnessSkey,
			"witnessVerifierKey": witnessVkey,
			"cosignedAt":         t,
			"cosigned":           cosigned,
		},
	}
}

func mustSigner(skey string) note.Signer {
	s, err := note.NewSigner(skey)
	if err != nil {
		fail("NewSigner: %v", err)
	}
	return s
}

type checkRequest struct {
	Notes []struct {
		Note         string   `json:"note"`
		VerifierKeys []string `json:"verifierKeys"`
	} `json:"notes"`
	Cosignatures []struct {
		Note        string `json:"note"`
		VerifierKey string `json:"verifierKey"`
	} `json:"cosignatures"`
	Inclusion   []proof  `json:"inclusion"`
	Consistency []proof  `json:"consistency"`
	SignText    string   `json:"signText"`
	KeyNames    []string `json:"keyNames"`
}

type verdict struct {
	OK    bool     `json:"ok"`
	Error string   `json:"error,omitempty"`
	Text  string   `json:"text,omitempty"`
	Sigs  []string `json:"sigs,omitempty"`
}

func verdictOf(err error) verdict {
	if err != nil {
		return verdict{OK: false, Error: err.Error()}
	}
	return verdict{OK: true}
}

func check() interface{} {
	var req checkRequest
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fail("reading the request: %v", err)
	}
	notes := []verdict{}
	for _, n := range req.Notes {
		var vs []note.Verifier
		var err error
		for _, k := range n.VerifierKeys {
			var v note.Verifier
			if v, err = note.NewVerifier(k); err != nil {
				break
			}
			vs = append(vs, v)
		}
		if err != nil {
			notes = append(notes, verdictOf(err))
			continue
		}
		opened, err := note.Open([]byte(n.Note), note.VerifierList(vs...))
		if err != nil {
			notes = append(notes, verdictOf(err))
			continue
		}
		v := verdict{OK: true, Text: opened.Text}
		for _, s := range opened.Sigs {
			v.Sigs = append(v.Sigs, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
		}
		notes = append(notes, v)
	}
	cosignatures := []verdict{}
	for _, c := range req.Cosignatures {
		cosignatures = append(cosignatures, checkCosignature(c.Note, c.VerifierKey))
	}
	inclusion := []verdict{}
	for _, p := range req.Inclusion {
		var rp tlog.RecordProof
		for _, h := range p.Proof {
			rp = append(rp, hash(h))
		}
		inclusion = append(inclusion, verdictOf(tlog.CheckRecord(rp, p.Size, hash(p.Root), p.Index, hash(p.LeafHash))))
	}
	consistency := []verdict{}
	for _, p := range req.Consistency {
		var tp tlog.TreeProof
		for _, h := range p.Proof {
			tp = append(tp, hash(h))
		}
		consistency = append(consistency, verdictOf(tlog.CheckTree(tp, p.Size, hash(p.Root), p.OldSize, hash(p.OldRoot))))
	}
	fresh := []map[string]string{}
	for _, name := range req.KeyNames {
		skey, vkey, err := note.GenerateKey(rand.Reader, name)
		if err != nil {
			fail("GenerateKey: %v", err)
		}
		fresh = append(fresh, map[string]string{"signerKey": skey, "verifierKey": vkey, "note": sign(req.SignText, skey)})
	}
	return map[string]interface{}{
		"notes": notes, "cosignatures": cosignatures, "inclusion": inclusion, "consistency": consistency, "fresh": fresh,
	}
}

// checkCosignature verifies the last signature line of a note as a cosignature/v1 by the type 0x04 key vkey.
func checkCosignature(msg, vkey string) verdict {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return verdict{Error: "malformed witness key"}
	}
	key := unb64(parts[2])
	if len(key) != 33 || key[0] != 4 {
		return verdict{Error: "not a cosignature/v1 key"}
	}
	pub := ed25519.PublicKey(key[1:])
	if want := fmt.Sprintf("%08x", cosignKeyID(parts[0], pub)); want != parts[1] {
		return verdict{Error: "key ID " + parts[1] + " should be " + want}
	}
	split := strings.LastIndex(msg, "\n\n")
	if split < 0 {
		return verdict{Error: "no signature block"}
	}
	text, lines := msg[:split+1], strings.Split(strings.TrimSuffix(msg[split+2:], "\n"), "\n")
	prefix := "— " + parts[0] + " "
	for _, line := range lines {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		sig := unb64(strings.TrimPrefix(line, prefix))
		if len(sig) != 4+8+64 || fmt.Sprintf("%08x", binary.BigEndian.Uint32(sig)) != parts[1] {
			return verdict{Error: "cosignature of the wrong length or key ID"}
		}
		t := binary.BigEndian.Uint64(sig[4:])
		if !ed25519.Verify(pub, cosignMessage(t, text), sig[12:]) {
			return verdict{Error: "cosignature does not verify"}
		}
		return verdict{OK: true, Text: strconv.FormatUint(t, 10)}
	}
	return verdict{Error: "no line by " + parts[0]}
}

// httpTiles reads a log's hash tiles over HTTP, at C2SP tlog-tiles paths (tile/<L>/<N>, without tlog's height).
type httpTiles struct{ base string }

func (h httpTiles) Height() int { return 8 }

func (h httpTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := get(h.base + "tile/" + strings.TrimPrefix(t.Path(), "tile/8/"))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (h httpTiles) SaveTiles([]tlog.Tile, [][]byte) {}

func get(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<25))
}

type siteRequest struct {
	Base          string `json:"base"`
	VerifierKey   string `json:"verifierKey"`
	Index         int64  `json:"index"`
	OldCheckpoint string `json:"oldCheckpoint"`
	WitnessKey    string `json:"witnessKey"`
}

type siteVerdict struct {
	Origin      string   `json:"origin"`
	Size        int64    `json:"size"`
	Sigs        []string `json:"sigs"`
	Entry       string   `json:"entry"`
	Inclusion   verdict  `json:"inclusion"`
	Consistency verdict  `json:"consistency"`
	Cosignature verdict  `json:"cosignature"`
}

// openCheckpoint opens a signed checkpoint with one verifier key and reads its origin, size and root.
func openCheckpoint(msg []byte, vkey string) (*note.Note, string, tlog.Tree, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, "", tlog.Tree{}, err
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return nil, "", tlog.Tree{}, err
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return nil, "", tlog.Tree{}, fmt.Errorf("not a checkpoint: %q", n.Text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return nil, "", tlog.Tree{}, err
	}
	return n, lines[0], tlog.Tree{N: size, Hash: hash(lines[2])}, nil
}

func site() interface{} {
	var req siteRequest
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fail("reading the request: %v", err)
	}
	msg, err := get(req.Base + "checkpoint")
	if err != nil {
		fail("%v", err)
	}
	n, origin, tree, err := openCheckpoint(msg, req.VerifierKey)
	if err != nil {
		fail("note.Open of the served checkpoint: %v", err)
	}
	out := siteVerdict{Origin: origin, Size: tree.N}
	for _, s := range n.Sigs {
		out.Sigs = append(out.Sigs, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
	}
	hr := tlog.TileHashReader(tree, httpTiles{req.Base})

	bundle := tlog.Tile{H: 8, L: -1, N: req.Index / 256, W: 256}
	if rest := tree.N - bundle.N*256; rest < 256 {
		bundle.W = int(rest)
	}
	data, err := get(req.Base + "tile/entries/" + strings.TrimPrefix(bundle.Path(), "tile/8/data/"))
	if err != nil {
		fail("%v", err)
	}
	var entry []byte
	for i, at := int64(0), 0; at < len(data); i++ {
		if at+2 > len(data) {
			fail("the bundle ends inside a length")
		}
		length := int(binary.BigEndian.Uint16(data[at:]))
		if at+2+length > len(data) {
			fail("the bundle ends inside entry %d", i)
		}
		if i == req.Index%256 {
			entry = data[at+2 : at+2+length]
		}
		at += 2 + length
	}
	out.Entry = b64(entry)
	proof, err := tlog.ProveRecord(tree.N, req.Index, hr)
	if err == nil {
		err = tlog.CheckRecord(proof, tree.N, tree.Hash, req.Index, tlog.RecordHash(entry))
	}
	out.Inclusion = verdictOf(err)
	if req.OldCheckpoint != "" {
		_, _, old, err := openCheckpoint([]byte(req.OldCheckpoint), req.VerifierKey)
		if err == nil {
			var p tlog.TreeProof
			if p, err = tlog.ProveTree(tree.N, old.N, hr); err == nil {
				err = tlog.CheckTree(p, tree.N, tree.Hash, old.N, old.Hash)
			}
		}
		out.Consistency = verdictOf(err)
	}
	if req.WitnessKey != "" {
		out.Cosignature = checkCosignature(string(msg), req.WitnessKey)
	}
	return out
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: judge vectors | judge check < request.json | judge site < request.json")
	}
	var out interface{}
	switch os.Args[1] {
	case "vectors":
		out = vectors()
	case "check":
		out = check()
	case "site":
		out = site()
	default:
		fail("unknown mode %q", os.Args[1])
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fail("writing: %v", err)
	}
}
