-- csv.sql — csv_each(path) (contract section 5) on the fixtures in
-- tests/data/csv/: the header, one JSON object per record with the line it
-- starts on, RFC 4180 quoting (commas, doubled quotes, newlines inside
-- quotes), CRLF, a byte-order mark, blank lines, every error message
-- (naming the file and the line), and that it cannot run from a view or a
-- trigger (SQLITE_VTAB_DIRECTONLY).  Non-regular files, NUL bytes in big
-- files and interrupts are in tests/sh/file_readers.sh.

#test one row per record; line is where the record starts; blank lines skipped
SELECT line, value FROM csv_each('tests/data/csv/quoting.csv');
#expect
2|{"a":"1","b":"x, y","c":"he said \"hi\""}
4|{"a":"multi\nline","b":"2","c":"3"}
6|{"a":"4","b":" 5 ","c":"6"}

#test fields come back intact through json_extract (commas, quotes, newline, spaces kept)
SELECT json_extract(value, '$.b'), json_extract(value, '$.c'), json_extract(value, '$.a') = 'multi' || char(10) || 'line'
FROM csv_each('tests/data/csv/quoting.csv');
#expect
x, y|he said "hi"|0
2|3|1
 5 |6|0

#test every value is valid JSON, an object with the header's keys in order
SELECT json_valid(c.value), json_type(c.value), (SELECT group_concat(key) FROM json_each(c.value))
FROM csv_each('tests/data/csv/quoting.csv') AS c;
#expect
1|object|a,b,c
1|object|a,b,c
1|object|a,b,c

#test CRLF record ends: no CR in the values; a CRLF inside quotes is kept
SELECT line, json_extract(value, '$.id'), replace(json_extract(value, '$.text'), char(13), '<CR>')
FROM csv_each('tests/data/csv/crlf.csv');
#expect
2|1|two<CR>
lines
4|2|plain

#test a UTF-8 byte-order mark is skipped (the first key is "id", not BOM+id)
SELECT line, value FROM csv_each('tests/data/csv/bom.csv');
#expect
2|{"id":"1","name":"café"}

#test control characters, tabs and backslashes are escaped as JSON
SELECT value, json_extract(value, '$.a') = char(1, 9, 92) FROM csv_each('tests/data/csv/control.csv');
#expect
{"a":"\u0001\t\\"}|1

#test empty fields are empty strings; a quoted header name may hold a comma
SELECT line, value FROM csv_each('tests/data/csv/empty_fields.csv');
#expect
2|{"n":"1","quoted, name":""}
3|{"n":"","quoted, name":""}

#test a header with no records has no rows
SELECT count(*) FROM csv_each('tests/data/csv/header_only.csv');
#expect
0

#test the hidden path column and rowid (= line)
SELECT path, rowid = line FROM csv_each('tests/data/csv/crlf.csv');
#expect
tests/data/csv/crlf.csv|1
tests/data/csv/crlf.csv|1

#test one call per row of a table of paths (lateral join)
CREATE TEMP TABLE files(path TEXT);
INSERT INTO files VALUES ('tests/data/csv/bom.csv'), ('tests/data/csv/crlf.csv');
SELECT f.path, c.line FROM files AS f, csv_each(f.path) AS c ORDER BY f.path, c.line;
#expect
tests/data/csv/bom.csv|2
tests/data/csv/crlf.csv|2
tests/data/csv/crlf.csv|4

#test rows stream: records before a bad one can be read with LIMIT
SELECT line FROM csv_each('tests/data/csv/ragged_short.csv') LIMIT 1;
#expect
2

#test the bundled Do-Not-Answer file: 939 records of 23 fields
SELECT count(*), min(c.line), sum((SELECT count(*) FROM json_each(c.value)) = 23)
FROM csv_each('tests/data/do-not-answer/data_en.csv') AS c;
#expect
939|2|939

#test error: a record with too few fields
SELECT * FROM csv_each('tests/data/csv/ragged_short.csv');
#error csv_each: tests/data/csv/ragged_short.csv line 3: the record has 1 field but the header has 2; quote fields that contain commas, or fix the record

#test error: a record with too many fields
SELECT * FROM csv_each('tests/data/csv/ragged_long.csv');
#error csv_each: tests/data/csv/ragged_long.csv line 2: the record has 3 fields but the header has 2

#test error: an unterminated quote names the line where the record starts
SELECT * FROM csv_each('tests/data/csv/unterminated.csv');
#error csv_each: tests/data/csv/unterminated.csv line 3: unterminated quoted field: the record starting here opens a quote that is never closed

#test error: a quote inside an unquoted field
SELECT * FROM csv_each('tests/data/csv/quote_in_field.csv');
#error csv_each: tests/data/csv/quote_in_field.csv line 2: malformed quoting: a quote inside an unquoted field or text after a closing quote; quote the whole field and double the quotes inside it ("")

#test error: text after a closing quote
SELECT * FROM csv_each('tests/data/csv/text_after_quote.csv');
#error csv_each: tests/data/csv/text_after_quote.csv line 2: malformed quoting

#test error: a duplicate header name
SELECT * FROM csv_each('tests/data/csv/duplicate_header.csv');
#error csv_each: tests/data/csv/duplicate_header.csv line 1: duplicate header name "id" (fields 1 and 3); rename one of the columns

#test error: an empty header name
SELECT * FROM csv_each('tests/data/csv/empty_header.csv');
#error csv_each: tests/data/csv/empty_header.csv line 1: header field 2 is empty; every column needs a name

#test error: invalid UTF-8
SELECT * FROM csv_each('tests/data/csv/bad_utf8.csv');
#error csv_each: tests/data/csv/bad_utf8.csv line 3: invalid UTF-8 in field 2 (byte 1 of the field); convert the file to UTF-8 (e.g. with iconv)

#test error: a NUL byte
SELECT * FROM csv_each('tests/data/csv/nul.csv');
#error csv_each: tests/data/csv/nul.csv line 3: NUL byte at column 3; CSV text cannot contain NUL bytes

#test error: an empty file has no header
SELECT * FROM csv_each('tests/data/csv/empty.csv');
#error csv_each: tests/data/csv/empty.csv has no header record (it is empty); the first line must name the columns

#test error: a missing file
SELECT * FROM csv_each('tests/data/csv/no_such_file.csv');
#error csv_each: cannot open 'tests/data/csv/no_such_file.csv': No such file or directory; check the path

#test error: a directory
SELECT * FROM csv_each('tests/data/csv');
#error csv_each: 'tests/data/csv' is a directory; pass the path of a CSV file inside it

#test error: a character device (never read, so never blocks or fills memory)
SELECT * FROM csv_each('/dev/zero');
#error csv_each: '/dev/zero' is a character device, not a regular file; csv_each reads only regular files (copy the data into a file first)

#test error: NULL path (an unset shell parameter is NULL)
SELECT * FROM csv_each(NULL);
#error csv_each: the path is NULL; pass a file name, e.g. csv_each('data.csv') (in the sqlite3 shell: .parameter set :path 'data.csv')

#test error: no path argument
SELECT * FROM csv_each;
#error csv_each: missing the path argument; call it as csv_each('data.csv')

#test error: it is eponymous only; CREATE VIRTUAL TABLE is refused
CREATE VIRTUAL TABLE c USING csv_each;
#error no such module: csv_each

#setup
CREATE VIEW records AS SELECT line, value FROM csv_each('tests/data/csv/quoting.csv');
CREATE TABLE log(line INTEGER);
CREATE TABLE t(x);
CREATE TRIGGER t_reads_csv AFTER INSERT ON t BEGIN
  INSERT INTO log SELECT line FROM csv_each('tests/data/csv/quoting.csv');
END;

#test error: a view of the schema cannot call it (SQLITE_DIRECTONLY)
SELECT * FROM records;
#error unsafe use of virtual table "csv_each"

#test error: a trigger of the schema cannot call it (SQLITE_DIRECTONLY)
INSERT INTO t VALUES (1);
#error unsafe use of virtual table "csv_each"

#test the same query typed directly works
INSERT INTO log SELECT line FROM csv_each('tests/data/csv/quoting.csv');
SELECT count(*) FROM log;
#expect
3
