package io.distillery.dicom;

import io.distillery.testsupport.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rows of the shared corpus's index.csv (RFC 4180 quoting), with the file resolved. */
record CorpusIndex(Path file, String relative, String category, String transferSyntax, String note) {

    /** Files that the corpus marks as broken on purpose. */
    boolean malformed() {
        return category.equals("malformed") || category.equals("nonconformant");
    }

    /** Rows that are DICOM at all (not README/doc rows). */
    boolean dicom() {
        return !category.equals("doc");
    }

    static List<CorpusIndex> all() {
        Path root = SharedData.dicomCorpus();
        List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve("index.csv"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> header = parse(lines.get(0));
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            col.put(header.get(i), i);
        }
        List<CorpusIndex> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = parse(line);
            String rel = f.get(col.get("file"));
            out.add(new CorpusIndex(root.resolve(rel), rel, f.get(col.get("category")),
                    f.get(col.get("transfer_syntax_uid")), f.get(col.get("note"))));
        }
        return out;
    }

    private static List<String> parse(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    sb.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    sb.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(sb.toString());
                sb.setLength(0);
            } else {
                sb.append(c);
            }
        }
        out.add(sb.toString());
        return out;
    }

    @Override
    public String toString() {
        return relative;
    }
}
