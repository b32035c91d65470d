package dev.classbase.platform.catalog;

import dev.classbase.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a catalog page ends, handed to the client as an opaque base64url token. A search page
 * ends at (rank, id), a browse page at (title, id). The rank is carried as the exact bits of the
 * float4 that ts_rank returned, so the next page's {@code rank < :rank} comparison loses nothing.
 */
record CatalogCursor(Kind kind, float rank, String title, long id) {
    enum Kind {
        RANK,
        TITLE
    }

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    static CatalogCursor afterRank(float rank, long id) {
        return new CatalogCursor(Kind.RANK, rank, null, id);
    }

    static CatalogCursor afterTitle(String title, long id) {
        return new CatalogCursor(Kind.TITLE, 0f, title, id);
    }

    String encode() {
        String plain = kind == Kind.RANK
                ? "r:" + Integer.toHexString(Float.floatToIntBits(rank)) + ":" + id
                : "t:" + id + ":" + title;
        return ENCODER.encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses a token of {@link #encode}; anything else is the client's mistake: 400 naming cursor. */
    static CatalogCursor decode(String token, Kind expected) {
        try {
            String plain = new String(DECODER.decode(token), StandardCharsets.UTF_8);
            String[] parts = plain.split(":", 3);
            if (parts.length != 3) {
                throw invalid();
            }
            CatalogCursor cursor;
            if (parts[0].equals("r")) {
                float rank = Float.intBitsToFloat(Integer.parseUnsignedInt(parts[1], 16));
                if (Float.isNaN(rank)) {
                    throw invalid();
                }
                cursor = afterRank(rank, Long.parseLong(parts[2]));
            } else if (parts[0].equals("t") && parts[2].indexOf('\0') < 0) { // text cannot hold NUL
                cursor = afterTitle(parts[2], Long.parseLong(parts[1]));
            } else {
                throw invalid();
            }
            if (cursor.kind != expected) {
                throw ApiException.badRequest("cursor", "belongs to a different query (with or without q)");
            }
            return cursor;
        } catch (IllegalArgumentException e) { // bad base64 and bad numbers alike
            throw invalid();
        }
    }

    private static ApiException invalid() {
        return ApiException.badRequest("cursor", "is not a cursor this server issued");
    }
}
