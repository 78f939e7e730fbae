package org.vesalius.data;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/** Splits CSV text into records of fields (RFC 4180 quoting), remembering the line each record starts on. */
final class CsvRecords {
    /** One record: its fields, raw (quotes removed, spaces kept), and the line it starts on (1-based). */
    record Row(int line, List<String> fields) {
    }

    private final Reader in;
    private final char delimiter;
    private final String source;
    private int line = 1;
    private int pushedBack = -2; // a character read ahead, or -2 for none
    private boolean started;
    private Row peeked;

    CsvRecords(Reader in, char delimiter, String source) {
        this.in = in;
        this.delimiter = delimiter;
        this.source = source;
    }

    /** The next record without consuming it, or null at the end. */
    Row peek() throws IOException {
        if (peeked == null) {
            peeked = read();
        }
        return peeked;
    }

    /** The next record, or null at the end. Blank lines are skipped. */
    Row next() throws IOException {
        Row r = peek();
        peeked = null;
        return r;
    }

    private int readChar() throws IOException {
        int c;
        if (pushedBack != -2) {
            c = pushedBack;
            pushedBack = -2;
        } else {
            c = in.read();
        }
        if (!started) {
            started = true;
            if (c == '\uFEFF') {
                return readChar();
            }
        }
        return c;
    }

    /** Consumes a line break that starts with {@code c} (CR, LF or CRLF) and counts the line. */
    private void endLine(int c) throws IOException {
        if (c == '\r') {
            int d = readChar();
            if (d != '\n') {
                pushedBack = d;
            }
        }
        line++;
    }

    private Row read() throws IOException {
        while (true) {
            int c = readChar();
            if (c < 0) {
                return null;
            }
            if (c == '\n' || c == '\r') {
                endLine(c); // a blank line
                continue;
            }
            pushedBack = c;
            return readRecord();
        }
    }

    private Row readRecord() throws IOException {
        int startLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        // whether the field so far is only white space, kept as it grows: testing the text at every quote
        // made a long field full of quotes quadratic
        boolean blank = true;
        while (true) {
            int c = readChar();
            if (c == '"' && blank) {
                field.setLength(0);
                blank = false;
                readQuoted(field, startLine);
                c = readChar();
                while ((c == ' ' || c == '\t') && c != delimiter) {
                    c = readChar();
                }
                if (c >= 0 && c != delimiter && c != '\n' && c != '\r') {
                    throw new IOException(source + ": line " + line + ": unexpected '" + (char) c + "' after the closing quote of "
                            + "field " + (fields.size() + 1) + "; a quote inside a quoted field is written as \"\"");
                }
            }
            if (c < 0 || c == '\n' || c == '\r') {
                fields.add(field.toString());
                if (c >= 0) {
                    endLine(c);
                }
                return new Row(startLine, fields);
            }
            if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                blank = true;
            } else {
                field.append((char) c);
                blank &= Character.isWhitespace(c);
            }
        }
    }

    private void readQuoted(StringBuilder field, int startLine) throws IOException {
        int opened = line;
        while (true) {
            int c = readChar();
            if (c < 0) {
                throw new IOException(source + ": line " + opened + ": a quoted field opened in the record starting on line "
                        + startLine + " is never closed");
            }
            if (c == '"') {
                int d = readChar();
                if (d == '"') {
                    field.append('"');
                    continue;
                }
                pushedBack = d;
                return;
            }
            if (c == '\n' || c == '\r') {
                endLine(c);
                field.append('\n');
                continue;
            }
            field.append((char) c);
        }
    }
}
