#!/usr/bin/env python3
"""layout.py — checks the layout rules of ext/ (ext/README.md), which
tests/ keeps too, and prints one line per breach:

  core-names-sqlite3 FILE:LINE   a file under ext/core/ names sqlite3 (any
                                 case, comments included): the core is pure
  file-too-long FILE N           a C file of more than 600 lines (a data
                                 table whose head comment says it is
                                 GENERATED, such as core/refusal_model.inc,
                                 is exempt: its generator is checked by
                                 tests/sh/refusal_model.sh instead)
  function-too-long FILE:LINE NAME N   a function of more than 100 lines,
                                 counted from the first line of its
                                 signature to its closing brace
  sql-outside-relation FILE:LINE  a file of DIR other than relation.c
                                 (when DIR has one) prepares or executes
                                 SQL text: relation.c is the only place
                                 that builds it

Usage: layout.py DIR (ext, or tests: the sqlite3 rule applies to DIR/core/
only).  Exit status 1 when it printed a breach.  Functions are found by
brace counting over the text with comments, strings, attributes and
preprocessor lines blanked: a top-level '{' whose declaration ends in ')'
opens a function (struct bodies and initialisers do not), named by the
identifier before its last parameter list."""
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


def signature(decl):
    """(name, offset of the signature's first character in decl) when decl
    (the text of a top-level declaration up to a '{', attributes blanked)
    is a function signature, else None.  The name is the identifier just
    before the last parameter list; the signature begins after the last ')'
    before that name, so a macro invocation without ';' ahead of it (such
    as HEAP_DEFINE(...)) is not counted in."""
    body = decl.rstrip()
    if not body.endswith(')') or '=' in decl:
        return None
    depth = 0
    for k in range(len(body) - 1, -1, -1):
        if body[k] == ')':
            depth += 1
        elif body[k] == '(':
            depth -= 1
            if depth == 0:
                break
    else:
        return None
    m = re.search(r'(\w+)\s*$', body[:k])
    if not m:
        return None
    start = body.rfind(')', 0, m.start()) + 1
    start += len(body[start:]) - len(body[start:].lstrip())
    return m.group(1), start


def functions(text):
    """(name, first line, length in lines) of every function definition."""
    code = blank(text)
    code = re.sub(r'__attribute__\s*\(\(.*?\)\)',
                  lambda m: re.sub(r'[^\n]', ' ', m.group(0)), code, flags=re.S)
    found = []
    depth = 0
    decl_start = 0  # offset where the current top-level declaration begins
    open_at = None
    for i, c in enumerate(code):
        if c == '{':
            if depth == 0:
                sig = signature(code[decl_start:i])
                open_at = None
                if sig:
                    name, start = sig
                    open_at = (name, code.count('\n', 0, decl_start + start) + 1)
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


def sql_calls(text):
    """The lines of text (comments and strings aside) that call an SQLite
    function taking SQL text."""
    code = blank(text)
    return [code.count('\n', 0, m.start()) + 1 for m in
            re.finditer(r'\bsqlite3_(prepare\w*|exec)\s*\(', code)]


def generated(text):
    """Whether the file's head comment marks it as generated."""
    return re.match(r'/\*\n \* \S+ - GENERATED by `', text) is not None


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
            if (rel == ['.'] and f != 'relation.c'
                    and os.path.exists(os.path.join(root, 'relation.c'))):
                breaches += ['sql-outside-relation %s:%d' % (path, k)
                             for k in sql_calls(text)]
            if f.endswith('.c'):
                n = text.count('\n') + (0 if text.endswith('\n') else 1)
                if n > MAX_FILE_LINES and not generated(text):
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
        sys.exit('usage: layout.py DIR')
    sys.exit(main(sys.argv[1]))
