package main

// Checks an unpacked evidence package as an examiner would, with Go's tlog and note and nothing
// of ours: every line of records.jsonl is included, at the index its proofs.jsonl line names, in
// the signed checkpoint of its log, and that checkpoint verifies with the key given.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type evidenceProof struct {
	Line       int      `json:"line"`
	Log        string   `json:"log"`
	Index      int64    `json:"index"`
	TreeSize   int64    `json:"tree_size"`
	Proof      []string `json:"proof"`
	Checkpoint string   `json:"checkpoint"`
}

func checkEvidence(dir, vkey string) (string, []string) {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return "", []string{fmt.Sprintf("verifier key: %v", err)}
	}
	records, err := os.ReadFile(filepath.Join(dir, "records.jsonl"))
	if err != nil {
		return "", []string{err.Error()}
	}
	lines := bytes.Split(bytes.TrimSuffix(records, []byte("\n")), []byte("\n"))
	proofs, err := os.Open(filepath.Join(dir, "proofs.jsonl"))
	if err != nil {
		return "", []string{err.Error()}
	}
	defer proofs.Close()
	checked := 0
	scanner := bufio.NewScanner(proofs)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		var p evidenceProof
		if err := json.Unmarshal(scanner.Bytes(), &p); err != nil {
			fail("proofs.jsonl: %v", err)
			continue
		}
		if p.Line < 1 || p.Line > len(lines) {
			fail("proof for line %d: records.jsonl has %d lines", p.Line, len(lines))
			continue
		}
		text, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p.Checkpoint)))
		if err != nil {
			fail("line %d: %v", p.Line, err)
			continue
		}
		cp, err := openCheckpoint(string(text), v)
		if err != nil {
			fail("line %d: checkpoint %s: %v", p.Line, p.Checkpoint, err)
			continue
		}
		if cp.size != p.TreeSize {
			fail("line %d: the proof is for size %d, the checkpoint is at %d", p.Line, p.TreeSize, cp.size)
			continue
		}
		proof, err := decodeHashes(p.Proof)
		if err != nil {
			fail("line %d: %v", p.Line, err)
			continue
		}
		if err := tlog.CheckRecord(tlog.RecordProof(proof), cp.size, cp.root, p.Index, tlog.RecordHash(lines[p.Line-1])); err != nil {
			fail("line %d (log %s, index %d): %v", p.Line, p.Log, p.Index, err)
			continue
		}
		checked++
	}
	if err := scanner.Err(); err != nil {
		fail("proofs.jsonl: %v", err)
	}
	if checked != len(lines) && len(problems) == 0 {
		fail("%d records, %d proved", len(lines), checked)
	}
	return fmt.Sprintf("OK evidence: %d records included in signed checkpoints", checked), problems
}
