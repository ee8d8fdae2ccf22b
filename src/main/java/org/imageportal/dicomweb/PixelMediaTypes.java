package org.imageportal.dicomweb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.imageportal.dicom.FrameDecoder;

/**
 * What the Accept header of a frames or bulk data request (PS3.18 8.7.3) allows for pixel data in a given stored
 * transfer syntax. Pixel data leaves as it is stored: native as application/octet-stream in Explicit VR Little
 * Endian (the same bytes as Implicit), compressed as the media type of its compression (image/jpeg, image/jls,
 * image/jp2, image/jphc, image/dicom-rle) or as application/octet-stream with {@code transfer-syntax=*} or its own
 * UID. Compressed pixel data asked for as application/octet-stream without a syntax, or in Explicit VR Little Endian,
 * is decoded to it where a decoder is found here ({@link FrameDecoder#decodable}); an Accept that allows nothing that
 * can be produced gets 406. At equal quality the stored form is preferred to a decoded one.
 *
 * <p>
 * An Accept that leaves the part type open ({@code *}{@code /*}, {@code multipart/*}, {@code multipart/related}
 * without {@code type}, or no Accept at all) gets the stored syntax. A compression's media type without a
 * {@code transfer-syntax} parameter takes any syntax of that compression, lossless or not (the one served is named
 * in each part); image/jpx takes JPEG 2000 Part 1 too, which every Part 2 decoder reads.
 */
final class PixelMediaTypes {

    static final String OCTET_STREAM = "application/octet-stream";
    static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    private static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";

    private static final Map<String, String> COMPRESSED = new HashMap<>();

    static {
        for (String jpeg : List.of("50", "51", "57", "70")) {
            COMPRESSED.put("1.2.840.10008.1.2.4." + jpeg, "image/jpeg");
        }
        for (String jls : List.of("80", "81")) {
            COMPRESSED.put("1.2.840.10008.1.2.4." + jls, "image/jls");
        }
        for (String j2k : List.of("90", "91")) {
            COMPRESSED.put("1.2.840.10008.1.2.4." + j2k, "image/jp2");
        }
        for (String htj2k : List.of("201", "202", "203")) {
            COMPRESSED.put("1.2.840.10008.1.2.4." + htj2k, "image/jphc");
        }
        COMPRESSED.put("1.2.840.10008.1.2.5", "image/dicom-rle");
    }

    private PixelMediaTypes() {
    }

    /** The type of the parts and the transfer syntax they are in; {@code decoded}: not as stored, decoded to it. */
    record Choice(String mediaType, String transferSyntax, boolean decoded) {

        Choice(String mediaType, String transferSyntax) {
            this(mediaType, transferSyntax, false);
        }

        /** The Content-Type of one part, naming its transfer syntax. */
        String partType() {
            return mediaType + "; transfer-syntax=" + transferSyntax;
        }
    }

    static boolean isNative(String syntax) {
        return EXPLICIT_VR_LITTLE_ENDIAN.equals(syntax) || IMPLICIT_VR_LITTLE_ENDIAN.equals(syntax);
    }

    /**
     * The best of what {@code accept} allows for pixel data stored in {@code stored} (highest quality, then the
     * order given), or null when it allows nothing that can be sent without transcoding.
     */
    static Choice choose(String accept, String stored) {
        if (accept == null || accept.isBlank()) {
            return served(stored);
        }
        Choice best = null;
        double bestQuality = 0;
        for (String option : split(accept, ',')) {
            List<String> pieces = split(option, ';');
            String range = pieces.getFirst().strip().toLowerCase();
            Map<String, String> parameters = parameters(pieces);
            double quality = quality(parameters.get("q"));
            if (quality < bestQuality || quality == 0 || quality == bestQuality && !best.decoded()) {
                continue;
            }
            Choice choice = switch (range) {
                case "*/*", "multipart/*" -> open(stored, null);
                case "multipart/related" -> parameters.containsKey("type")
                        ? typed(stored, parameters.get("type").toLowerCase(), parameters.get("transfer-syntax"))
                        : open(stored, parameters.get("transfer-syntax"));
                default -> null;
            };
            if (choice != null && (quality > bestQuality || !choice.decoded())) {
                best = choice;
                bestQuality = quality;
            }
        }
        return best;
    }

    /**
     * Whether {@code accept} takes whole instances (application/dicom, alone or as the parts of multipart/related)
     * stored in {@code stored}: an option that names no transfer syntax, or {@code *}, takes any (the instance
     * leaves as it was stored); one that names a syntax takes only that one, as whole instances are not
     * transcoded. No Accept, and ranges that leave the type open, take any.
     */
    static boolean instanceAllows(String accept, String stored) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String option : split(accept, ',')) {
            List<String> pieces = split(option, ';');
            String range = pieces.getFirst().strip().toLowerCase();
            Map<String, String> parameters = parameters(pieces);
            if (quality(parameters.get("q")) == 0) {
                continue;
            }
            String type = parameters.getOrDefault("type", "application/dicom").toLowerCase();
            boolean dicom = switch (range) {
                case "*/*", "multipart/*", "application/*" -> true;
                case "application/dicom" -> true;
                case "multipart/related" -> type.equals("application/dicom") || type.equals("application/*")
                        || type.equals("*/*");
                default -> false;
            };
            String syntax = parameters.get("transfer-syntax");
            if (dicom && (syntax == null || syntax.equals("*") || syntax.equals(stored))) {
                return true;
            }
        }
        return false;
    }

    /** The parameters of one option of an Accept header, names in lower case, values unquoted. */
    private static Map<String, String> parameters(List<String> pieces) {
        Map<String, String> parameters = new HashMap<>();
        for (String parameter : pieces.subList(1, pieces.size())) {
            int equals = parameter.indexOf('=');
            if (equals > 0) {
                parameters.put(parameter.substring(0, equals).strip().toLowerCase(),
                        unquote(parameter.substring(equals + 1).strip()));
            }
        }
        return parameters;
    }

    /** What is sent when the client leaves it to the server: the stored syntax, under its own media type. */
    private static Choice served(String stored) {
        if (isNative(stored)) {
            return new Choice(OCTET_STREAM, EXPLICIT_VR_LITTLE_ENDIAN);
        }
        String mediaType = COMPRESSED.get(stored);
        return mediaType == null ? null : new Choice(mediaType, stored);
    }

    private static Choice open(String stored, String syntax) {
        if (syntax == null || syntax.equals("*") || sameSyntax(syntax, stored)) {
            return served(stored);
        }
        return isNative(syntax) ? decoded(stored) : null;
    }

    /** Pixel data stored compressed, decoded to Explicit VR Little Endian; null where no decoder is found. */
    private static Choice decoded(String stored) {
        return !isNative(stored) && FrameDecoder.decodable(stored)
                ? new Choice(OCTET_STREAM, EXPLICIT_VR_LITTLE_ENDIAN, true)
                : null;
    }

    private static Choice typed(String stored, String type, String syntax) {
        if (type.equals(OCTET_STREAM)) {
            if (isNative(stored)) {
                return syntax == null || syntax.equals("*") || isNative(syntax) ? served(stored) : null;
            }
            if (served(stored) != null && ("*".equals(syntax) || stored.equals(syntax))) {
                return new Choice(OCTET_STREAM, stored);
            }
            return syntax == null || isNative(syntax) ? decoded(stored) : null;
        }
        String mediaType = COMPRESSED.get(stored);
        boolean sameCompression = type.equals(mediaType) || type.equals("image/jpx") && "image/jp2".equals(mediaType);
        return sameCompression && (syntax == null || syntax.equals("*") || syntax.equals(stored))
                ? new Choice(type, stored)
                : null;
    }

    private static boolean sameSyntax(String asked, String stored) {
        return asked.equals(stored) || isNative(asked) && isNative(stored);
    }

    /** What an Accept offers for pixel data stored in {@code stored}, for the detail of a 406. */
    static String offered(String stored) {
        Choice served = served(stored);
        if (served == null) {
            return "the pixel data of this instance is not served as frames; retrieve the whole instance";
        }
        if (isNative(stored)) {
            return "available as multipart/related; type=\"application/octet-stream\"";
        }
        return "stored compressed (transfer syntax " + stored + "): available as multipart/related; type=\""
                + served.mediaType() + "\" or type=\"application/octet-stream\"; transfer-syntax=*"
                + (decoded(stored) != null ? ", or decoded as type=\"application/octet-stream\"" : "");
    }

    private static double quality(String q) {
        if (q == null) {
            return 1;
        }
        try {
            double value = Double.parseDouble(q);
            return value >= 0 && value <= 1 ? value : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }

    /** {@code text} split at {@code separator} outside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> pieces = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                pieces.add(text.substring(start, i));
                start = i + 1;
            }
        }
        pieces.add(text.substring(start));
        return pieces;
    }
}
