package app.oviya.auth.service;

import app.oviya.common.error.ServiceException;
import java.util.Locale;
import java.util.Set;

/** ISO 3166-1 alpha-2 country codes, as the profile stores them (upper case). */
public final class Countries {

    private static final Set<String> CODES = Set.of(Locale.getISOCountries());

    private Countries() {
    }

    /** The upper-case code, or "" for an empty value (which removes the country); throws on anything else. */
    public static String normalise(String country) {
        String c = country.strip().toUpperCase(Locale.ROOT);
        if (c.isEmpty()) {
            return c;
        }
        if (!CODES.contains(c)) {
            throw ServiceException.validation("country must be an ISO 3166-1 alpha-2 code such as GB or US");
        }
        return c;
    }
}
