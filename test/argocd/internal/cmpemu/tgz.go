package cmpemu

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// packRepo is the repo server's side of the stream: every directory,
// symlink and regular file under root, .git included, with the modes the
// checkout has (util/cmp/stream.go GetCompressedRepoAndMetadata, util/io/
// files/tar.go Tgz; Argo CD excludes nothing unless --plugin-tar-exclude is
// set). It returns the tarball and the number of regular files in it.
func packRepo(root string) ([]byte, int, error) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	files := 0
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return fmt.Errorf("error walking in %q: %w", root, err)
		}
		mode := fi.Mode()
		// Sockets, devices and pipes are left out.
		if !mode.IsRegular() && !mode.IsDir() && mode&fs.ModeSymlink == 0 {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		link := ""
		if mode&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return fmt.Errorf("error getting link target: %w", err)
			}
		}
		h, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return fmt.Errorf("error creating a tar file header: %w", err)
		}
		h.Name = filepath.ToSlash(rel)
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("error writing header: %w", err)
		}
		if !mode.IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("error opening file %q: %w", fi.Name(), err)
		}
		defer f.Close()
		if _, err := io.Copy(tw, f); err != nil {
			return fmt.Errorf("error copying tgz file to writers: %w", err)
		}
		files++
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("error compressing repo files: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, 0, err
	}
	if err := gz.Close(); err != nil {
		return nil, 0, err
	}
	if files == 0 {
		return nil, 0, fmt.Errorf("no files to send(%s)", root)
	}
	return buf.Bytes(), files, nil
}

// unpackRepo is the sidecar's side (util/io/files/tar.go untar): unless the
// plugin sets preserveFileMode, every directory becomes 0755 and every file
// 0644, whatever the checkout had, so nothing from Git is executable.
// Symlinks stay, if they point inside dst. Entries are then owned by uid/gid,
// the user the cmp server runs as (it writes them itself; here root does).
func unpackRepo(dst string, tgz []byte, preserveFileMode bool, uid, gid int) error {
	gz, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return fmt.Errorf("error reading file: %w", err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	owned := func(name string) error { return os.Lchown(filepath.Join(dst, name), uid, gid) }
	mkdirs := func(name string, mode os.FileMode) error {
		// Every directory created on the way is the sidecar user's.
		var todo []string
		for d := name; d != "." && d != "/"; d = filepath.Dir(d) {
			if _, err := os.Lstat(filepath.Join(dst, d)); err == nil {
				break
			}
			todo = append(todo, d)
		}
		if err := os.MkdirAll(filepath.Join(dst, name), mode); err != nil {
			return fmt.Errorf("error creating nested folders: %w", err)
		}
		for _, d := range todo {
			if err := owned(d); err != nil {
				return err
			}
		}
		return nil
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("error while iterating on tar reader: %w", err)
		}
		name := strings.TrimPrefix(filepath.Clean(h.Name), "/")
		if name == "" || name == "." || name == ".." || strings.HasPrefix(name, "../") {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			mode := os.FileMode(0o755)
			if preserveFileMode {
				mode = os.FileMode(h.Mode).Perm()
			}
			if err := mkdirs(name, mode); err != nil {
				return err
			}
		case tar.TypeSymlink:
			base := filepath.Dir(name)
			target := filepath.Join(base, filepath.Clean(h.Linkname))
			if filepath.IsAbs(h.Linkname) || target == ".." || strings.HasPrefix(target, "../") {
				return fmt.Errorf("error checking symlink %q target: path escapes from parent", target)
			}
			if err := mkdirs(base, 0o755); err != nil {
				return err
			}
			rel, err := filepath.Rel(base, target)
			if err != nil {
				return fmt.Errorf("error relativizing link target: %w", err)
			}
			if err := os.Symlink(rel, filepath.Join(dst, name)); err != nil {
				return fmt.Errorf("error creating symlink: %w", err)
			}
			if err := owned(name); err != nil {
				return err
			}
		case tar.TypeReg:
			mode := os.FileMode(0o644)
			if preserveFileMode {
				mode = os.FileMode(h.Mode).Perm()
			}
			if err := mkdirs(filepath.Dir(name), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(filepath.Join(dst, name), os.O_RDWR|os.O_CREATE|os.O_TRUNC, mode)
			if err != nil {
				return fmt.Errorf("error creating file %q: %w", name, err)
			}
			_, err = io.Copy(f, tr)
			f.Close()
			if err != nil {
				return fmt.Errorf("error writing tgz file: %w", err)
			}
			if err := owned(name); err != nil {
				return err
			}
		}
	}
}
