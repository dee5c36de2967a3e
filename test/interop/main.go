// Command interop verifies a Palisade ledger with Go's golang.org/x/mod/sumdb/tlog and
// golang.org/x/mod/sumdb/note, independently of the TypeScript code that wrote it: signed
// checkpoints, the tree rebuilt from the entry bundles, the tiles, and the inclusion proofs,
// consistency proofs and tlog-proof receipts that the ledger produced. Any disagreement is
// printed and the exit status is 1.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type fixture struct {
	Vkey        string   `json:"vkey"`
	Logs        []string `json:"logs"`
	Checkpoints []string `json:"checkpoints"`
	Inclusion   []struct {
		Origin string   `json:"origin"`
		Index  int64    `json:"index"`
		Size   int64    `json:"size"`
		Proof  []string `json:"proof"`
	} `json:"inclusion"`
	Consistency []struct {
		Origin  string   `json:"origin"`
		OldSize int64    `json:"old_size"`
		NewSize int64    `json:"new_size"`
		Proof   []string `json:"proof"`
	} `json:"consistency"`
	Receipts []string `json:"receipts"`
}

// memoryLog holds the stored hashes of a log, computed here from its entries.
type memoryLog struct {
	dir    string
	size   int64
	root   tlog.Hash
	hashes []tlog.Hash
}

func (m *memoryLog) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

// tileReader serves C2SP tlog-tiles paths (tile/L/N[.p/W], no height in the path) to tlog.TileHashReader.
type tileReader struct{ dir string }

func (t tileReader) Height() int { return 8 }

func indexPath(n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n /= 1000; n > 0; n /= 1000 {
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	return s
}

func (t tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, tile := range tiles {
		base := filepath.Join(t.dir, "tile", strconv.Itoa(tile.L), filepath.FromSlash(indexPath(tile.N)))
		path := base
		if tile.W < 256 {
			path = fmt.Sprintf("%s.p/%d", base, tile.W)
		}
		data, err := os.ReadFile(path)
		if err != nil && tile.W < 256 {
			// A partial tile may be gone once the full tile exists; its prefix holds the same hashes.
			if full, ferr := os.ReadFile(base); ferr == nil && len(full) == 256*32 {
				data, err = full[:tile.W*32], nil
			}
		}
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (t tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func openCheckpoint(text string, v note.Verifier) (checkpoint, error) {
	n, err := note.Open([]byte(text), note.VerifierList(v))
	if err != nil {
		return checkpoint{}, err
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return checkpoint{}, errors.New("checkpoint has fewer than 3 lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return checkpoint{}, err
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, err
	}
	return checkpoint{lines[0], size, root}, nil
}

func decodeBundle(data []byte) ([][]byte, error) {
	var out [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, errors.New("cut-off length prefix")
		}
		n := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+n {
			return nil, errors.New("entry runs past the bundle")
		}
		out = append(out, data[2:2+n])
		data = data[2+n:]
	}
	return out, nil
}

func decodeHashes(list []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		h, err := tlog.ParseHash(s)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

// loadLog rebuilds a log's tree from its entry bundles (and, below the pruned marker, from its
// level-0 tiles), and checks the signed checkpoint and the tiles against it.
func loadLog(dir string, v note.Verifier) (string, *memoryLog, error) {
	text, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		return "", nil, err
	}
	cp, err := openCheckpoint(string(text), v)
	if err != nil {
		return "", nil, fmt.Errorf("checkpoint: %w", err)
	}
	pruned := int64(0)
	if b, err := os.ReadFile(filepath.Join(dir, "pruned")); err == nil {
		pruned, _ = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	}
	m := &memoryLog{dir: dir, size: cp.size, root: cp.root}
	for start := int64(0); start < cp.size; start += 256 {
		width := cp.size - start
		if width > 256 {
			width = 256
		}
		n := start / 256
		name := filepath.Join(dir, "tile", "entries", filepath.FromSlash(indexPath(n)))
		if width < 256 {
			name = fmt.Sprintf("%s.p/%d", name, width)
		}
		data, err := os.ReadFile(name)
		var entries [][]byte
		if err == nil {
			if entries, err = decodeBundle(data); err != nil {
				return "", nil, fmt.Errorf("%s: %w", name, err)
			}
		} else if start+width <= pruned {
			// Retention removed the bundle: take the leaf hashes from the level-0 tile; the root checks them.
			tile, err := os.ReadFile(filepath.Join(dir, "tile", "0", filepath.FromSlash(indexPath(n))))
			if err != nil || len(tile) != 256*32 {
				return "", nil, fmt.Errorf("pruned bundle %d has no level-0 tile", n)
			}
			for k := int64(0); k < width; k++ {
				var h tlog.Hash
				copy(h[:], tile[k*32:(k+1)*32])
				hs, err := tlog.StoredHashesForRecordHash(start+k, h, m)
				if err != nil {
					return "", nil, err
				}
				m.hashes = append(m.hashes, hs...)
			}
			continue
		} else {
			return "", nil, err
		}
		if int64(len(entries)) != width {
			return "", nil, fmt.Errorf("%s holds %d entries, want %d", name, len(entries), width)
		}
		for k, e := range entries {
			hs, err := tlog.StoredHashes(start+int64(k), e, m)
			if err != nil {
				return "", nil, err
			}
			m.hashes = append(m.hashes, hs...)
		}
	}
	root, err := tlog.TreeHash(cp.size, m)
	if err != nil {
		return "", nil, err
	}
	if root != cp.root {
		return "", nil, fmt.Errorf("the entries give root %v, the checkpoint says %v", root, cp.root)
	}
	if cp.size > 0 {
		// The tiles on disk must describe the same tree; TileHashReader checks each tile it loads against the root.
		thr := tlog.TileHashReader(tlog.Tree{N: cp.size, Hash: cp.root}, tileReader{dir})
		for _, i := range []int64{0, cp.size / 3, cp.size / 2, cp.size - 1} {
			fromTiles, err := tlog.ProveRecord(cp.size, i, thr)
			if err != nil {
				return "", nil, fmt.Errorf("tiles: proof of %d: %w", i, err)
			}
			fromEntries, err := tlog.ProveRecord(cp.size, i, m)
			if err != nil {
				return "", nil, err
			}
			if fmt.Sprint(fromTiles) != fmt.Sprint(fromEntries) {
				return "", nil, fmt.Errorf("tiles: proof of %d differs from the entries' proof", i)
			}
		}
	}
	return cp.origin, m, nil
}

func run(path string) (summary string, problems []string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", []string{err.Error()}
	}
	var fx fixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		return "", []string{err.Error()}
	}
	v, err := note.NewVerifier(strings.TrimSpace(fx.Vkey))
	if err != nil {
		return "", []string{"vkey: " + err.Error()}
	}
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	logs := map[string]*memoryLog{}
	for _, dir := range fx.Logs {
		origin, m, err := loadLog(dir, v)
		if err != nil {
			fail("log %s: %v", dir, err)
			continue
		}
		logs[origin] = m
	}
	rootAt := func(origin string, size int64) (tlog.Hash, *memoryLog, error) {
		m, ok := logs[origin]
		if !ok {
			return tlog.Hash{}, nil, fmt.Errorf("unknown origin %q", origin)
		}
		if size > m.size {
			return tlog.Hash{}, nil, fmt.Errorf("size %d beyond the log's %d", size, m.size)
		}
		h, err := tlog.TreeHash(size, m)
		return h, m, err
	}
	for i, text := range fx.Checkpoints {
		cp, err := openCheckpoint(text, v)
		if err != nil {
			fail("checkpoint %d: %v", i, err)
			continue
		}
		// Every checkpoint ever signed must be a prefix of the log as it is now.
		root, _, err := rootAt(cp.origin, cp.size)
		if err != nil || root != cp.root {
			fail("checkpoint %d (%s, size %d) is not a prefix of the log: %v", i, cp.origin, cp.size, err)
		}
	}
	for i, p := range fx.Inclusion {
		root, m, err := rootAt(p.Origin, p.Size)
		if err != nil {
			fail("inclusion %d: %v", i, err)
			continue
		}
		proof, err := decodeHashes(p.Proof)
		if err != nil {
			fail("inclusion %d: %v", i, err)
			continue
		}
		leaf := m.hashes[tlog.StoredHashIndex(0, p.Index)]
		if err := tlog.CheckRecord(tlog.RecordProof(proof), p.Size, root, p.Index, leaf); err != nil {
			fail("inclusion %d (index %d, size %d): %v", i, p.Index, p.Size, err)
		}
		if own, err := tlog.ProveRecord(p.Size, p.Index, m); err != nil || fmt.Sprint(own) != fmt.Sprint(tlog.RecordProof(proof)) {
			fail("inclusion %d (index %d, size %d): Go's proof differs", i, p.Index, p.Size)
		}
	}
	for i, p := range fx.Consistency {
		newRoot, m, err := rootAt(p.Origin, p.NewSize)
		if err != nil {
			fail("consistency %d: %v", i, err)
			continue
		}
		oldRoot, _, _ := rootAt(p.Origin, p.OldSize)
		proof, err := decodeHashes(p.Proof)
		if err != nil {
			fail("consistency %d: %v", i, err)
			continue
		}
		if err := tlog.CheckTree(tlog.TreeProof(proof), p.NewSize, newRoot, p.OldSize, oldRoot); err != nil {
			fail("consistency %d (%d -> %d): %v", i, p.OldSize, p.NewSize, err)
		}
		if own, err := tlog.ProveTree(p.NewSize, p.OldSize, m); err != nil || fmt.Sprint(own) != fmt.Sprint(tlog.TreeProof(proof)) {
			fail("consistency %d (%d -> %d): Go's proof differs", i, p.OldSize, p.NewSize)
		}
	}
	for i, text := range fx.Receipts {
		if err := checkReceipt(text, v, logs); err != nil {
			fail("receipt %d: %v", i, err)
		}
	}
	return fmt.Sprintf("OK %d logs, %d checkpoints, %d inclusion proofs, %d consistency proofs, %d receipts",
		len(logs), len(fx.Checkpoints), len(fx.Inclusion), len(fx.Consistency), len(fx.Receipts)), problems
}

// checkReceipt verifies a c2sp.org/tlog-proof@v1 receipt whose extra data is the entry, as torchwood's spicy -verify does.
func checkReceipt(text string, v note.Verifier, logs map[string]*memoryLog) error {
	head, cpText, ok := strings.Cut(text, "\n\n")
	if !ok {
		return errors.New("no empty line before the checkpoint")
	}
	lines := strings.Split(head, "\n")
	if lines[0] != "c2sp.org/tlog-proof@v1" {
		return errors.New("not a tlog-proof")
	}
	lines = lines[1:]
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "extra ") {
		return errors.New("no extra data holding the entry")
	}
	entry, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(lines[0], "extra "))
	if err != nil {
		return err
	}
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "index ") {
		return errors.New("no index line")
	}
	index, err := strconv.ParseInt(strings.TrimPrefix(lines[1], "index "), 10, 64)
	if err != nil {
		return err
	}
	proof, err := decodeHashes(lines[2:])
	if err != nil {
		return err
	}
	cp, err := openCheckpoint(cpText, v)
	if err != nil {
		return err
	}
	if err := tlog.CheckRecord(tlog.RecordProof(proof), cp.size, cp.root, index, tlog.RecordHash(entry)); err != nil {
		return err
	}
	if m, ok := logs[cp.origin]; ok {
		if root, err := tlog.TreeHash(cp.size, m); err != nil || root != cp.root {
			return errors.New("the receipt's checkpoint is not a prefix of the log")
		}
	}
	if !bytes.Contains(entry, []byte(`"record_id"`)) {
		return errors.New("the entry is not an audit record")
	}
	return nil
}

func main() {
	var summary string
	var problems []string
	switch {
	case len(os.Args) == 2:
		summary, problems = run(os.Args[1])
	case len(os.Args) == 4 && os.Args[1] == "evidence":
		summary, problems = checkEvidence(os.Args[2], os.Args[3])
	default:
		fmt.Fprintln(os.Stderr, "usage: interop FIXTURE.json | interop evidence DIR VKEY")
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "FAIL", p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Println(summary)
}
