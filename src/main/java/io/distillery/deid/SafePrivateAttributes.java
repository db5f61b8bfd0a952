package io.distillery.deid;

import java.util.List;

/**
 * Private data elements that the Retain Safe Private option keeps: six rows of PS3.15 table E.3.10-1 (the diffusion
 * parameters research pipelines need; each row checked against a scrape of the 2025b table, see docs/deid.md). The
 * table lists several hundred more; we keep only these. Every other private element is removed, option or not. An
 * entry is (group, private creator, element within the creator's block, the table's meaning).
 */
public final class SafePrivateAttributes {

    /** One safe private element: group, creator string (as stored, trimmed), low byte of the element. */
    public record Entry(int group, String creator, int elementOffset, String name) {
    }

    private static final List<Entry> SAFE = List.of(
            new Entry(0x0019, "SIEMENS MR HEADER", 0x0C, "B Value"),
            new Entry(0x0019, "SIEMENS MR HEADER", 0x0D, "Diffusion Directionality"),
            new Entry(0x0019, "SIEMENS MR HEADER", 0x0E, "Diffusion Gradient Direction"),
            new Entry(0x0019, "SIEMENS MR HEADER", 0x27, "B Matrix"),
            new Entry(0x0043, "GEMS_PARM_01", 0x39, "1st value is B Value"),
            new Entry(0x2001, "Philips Imaging DD 001", 0x03, "MR Image Diffusion B-Factor"));

    private SafePrivateAttributes() {
    }

    public static List<Entry> entries() {
        return SAFE;
    }

    /** True when the private element {@code tag}, reserved by {@code creator}, is on the safe list. */
    public static boolean isSafe(int tag, String creator) {
        if (creator == null) {
            return false;
        }
        String c = creator.trim();
        int group = tag >>> 16;
        int offset = tag & 0xFF;
        for (Entry e : SAFE) {
            if (e.group == group && e.elementOffset == offset && e.creator.equals(c)) {
                return true;
            }
        }
        return false;
    }
}
