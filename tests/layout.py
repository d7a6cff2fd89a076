#!/usr/bin/env python3
"""layout.py — checks the layout rules of ext/ (ext/README.md) and prints
one line per breach:

  core-names-sqlite3 FILE:LINE   a file under ext/core/ names sqlite3 (any
                                 case, comments included): the core is pure
  file-too-long FILE N           a C file of more than 600 lines
  function-too-long FILE:LINE NAME N   a function of more than 100 lines,
                                 counted from the first line of its
                                 signature to its closing brace

Usage: layout.py DIR (the ext directory).  Exit status 1 when it printed a
breach.  Functions are found by brace counting over the text with comments,
strings and preprocessor lines blanked: a top-level '{' whose declaration
ends in ')' opens a function (struct bodies and initialisers do not)."""
import os
import re
import sys

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 100


def blank(text):
    """The text with comments, string and character literals and
    preprocessor lines replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == '#':
            while i < n and text[i] != '\n':
                if text[i] == '\\' and i + 1 < n and text[i + 1] == '\n':
                    out.append(' \n')
                    i += 2
                    continue
                out.append(' ')
                i += 1
            continue
        if c == '/' and text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
            continue
        if c == '/' and text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
            continue
        if c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(' ' * (min(j, n - 1) - i + 1))
            i = j + 1
            continue
        out.append(c)
        if c == '\n':
            line_start = True
        elif not c.isspace():
            line_start = False
        i += 1
    return ''.join(out)


def functions(text):
    """(name, first line, length in lines) of every function definition."""
    code = blank(text)
    found = []
    depth = 0
    decl_start = 0  # offset where the current top-level declaration begins
    open_at = None
    for i, c in enumerate(code):
        if c == '{':
            if depth == 0:
                decl = code[decl_start:i]
                decl = re.sub(r'__attribute__\s*\(\(.*?\)\)', '', decl, flags=re.S)
                open_at = None
                if decl.rstrip().endswith(')') and '=' not in decl:
                    m = re.search(r'(\w+)\s*\(', decl)
                    if m:
                        lead = len(code[decl_start:i]) - len(code[decl_start:i].lstrip())
                        open_at = (m.group(1), code.count('\n', 0, decl_start + lead) + 1)
            depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0:
                if open_at:
                    name, first = open_at
                    last = code.count('\n', 0, i) + 1
                    found.append((name, first, last - first + 1))
                open_at = None
                decl_start = i + 1
        elif c == ';' and depth == 0:
            decl_start = i + 1
    return found


def main(root):
    breaches = []
    for dirpath, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            path = os.path.join(dirpath, f)
            if not f.endswith(('.c', '.h')):
                continue
            text = open(path, encoding='utf-8', errors='replace').read()
            rel = os.path.relpath(dirpath, root).split(os.sep)
            if rel[0] == 'core':
                for k, line in enumerate(text.split('\n'), 1):
                    if 'sqlite3' in line.lower():
                        breaches.append('core-names-sqlite3 %s:%d' % (path, k))
            if f.endswith('.c'):
                n = text.count('\n') + (0 if text.endswith('\n') else 1)
                if n > MAX_FILE_LINES:
                    breaches.append('file-too-long %s %d' % (path, n))
            for name, first, length in functions(text):
                if length > MAX_FUNCTION_LINES:
                    breaches.append('function-too-long %s:%d %s %d'
                                    % (path, first, name, length))
    for b in breaches:
        print(b)
    return 1 if breaches else 0


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: layout.py EXT_DIR')
    sys.exit(main(sys.argv[1]))
