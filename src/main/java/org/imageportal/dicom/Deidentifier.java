package org.imageportal.dicom;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntConsumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.ClinicalTrialsAttributes;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.ValueRepresentation;

/**
 * De-identifies one instance by the Basic Application Level Confidentiality Profile (PS3.15 Annex E) with the chosen
 * options, using the toolkit's implementation of the profile's attribute table (including nested sequences and
 * structured content) and adding what the portal needs on top:
 * <ul>
 * <li>pseudonyms: Patient ID and Name become a value keyed by the project's secret, so every study of a patient maps
 * to the same pseudonym in a project and to an unrelated one in another;</li>
 * <li>UIDs remapped the same way (a keyed 2.25 UID), unless UIDs are retained; standard UIDs (SOP classes, transfer
 * syntaxes) stay;</li>
 * <li>modified dates shifted by a keyed per-patient offset (1 to 10 years back);</li>
 * <li>descriptors, when kept, cleaned of the patient's known identifiers (name parts, IDs, birth date, accession);</li>
 * <li>private attributes removed, or only the known-safe ones kept;</li>
 * <li>burned-in text: instances at risk (Burned In Annotation YES, ultrasound, secondary capture) are refused
 * unless rectangles are given to black out, which then zero those pixels in every frame of native pixel data;</li>
 * <li>Patient Identity Removed YES, De-identification Method and its code sequence naming the profile and the
 * options.</li>
 * </ul>
 * Works on a whole instance in memory (teaching and research copies, not the streaming path), whose structure and
 * geometry are checked before the toolkit parses it. Compressed pixel data is kept as it is, in its transfer syntax;
 * native pixel data is written explicit VR little endian. Plain Java.
 * <p>
 * Longer than most classes: every step of the profile works on the same parsed instance and the same keyed secrets,
 * and splitting them apart would pass both through every call without making one step clearer.
 */
public final class Deidentifier {

    /** A rectangle of pixels to black out, in image coordinates. */
    public record Rectangle(int x, int y, int width, int height) {
    }

    /** How to de-identify: the options, the project's secret (≥ 32 bytes), rectangles for burned-in text. */
    public record Settings(Set<DeidentificationOption> options, byte[] projectKey, List<Rectangle> blackout) {

        public Settings {
            options = options.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(options));
            if (projectKey.length < 32) {
                throw new IllegalArgumentException("a project key has at least 32 bytes");
            }
            projectKey = projectKey.clone();
            blackout = List.copyOf(blackout);
        }

        boolean has(DeidentificationOption option) {
            return options.contains(option);
        }
    }

    /** The outcome: the de-identified Part 10 file, or why the instance was left out. */
    public record Result(byte[] part10, String excludedBecause, String newStudyUid, String newSeriesUid,
            String newSopInstanceUid) {

        public boolean excluded() {
            return excludedBecause != null;
        }
    }

    private static final String BASIC_PROFILE = "113100";
    private static final String CLEAN_PIXEL_DATA = "113101";
    private static final Part10Reader.Limits INGEST_LIMITS = new Part10Reader.Limits(Long.MAX_VALUE,
            Integer.MAX_VALUE);
    private static final Date REFERENCE = Date.from(LocalDate.of(2000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant());

    private Deidentifier() {
    }

    public static Result deidentify(byte[] part10, Settings settings) throws DicomRejection {
        // the toolkit allocates values at their declared length: the structure is checked first, within the array
        String transferSyntax = Part10Reader.checkStructure(part10, Part10Reader.Limits.DEFAULT_MAX_FRAMES);
        try {
            AttributeList list = parse(part10);
            ImageGeometry geometry = geometry(list, transferSyntax);
            String patientId = value(list, TagFromName.PatientID);
            List<String> known = knownIdentifiers(list);
            BurnedInText burnedIn = burnedInText(list, geometry, transferSyntax, settings);
            if (burnedIn.excludedBecause() != null) {
                return new Result(null, burnedIn.excludedBecause(), null, null, null);
            }
            applyProfile(list, settings, patientId);
            if (settings.has(DeidentificationOption.CLEAN_DESCRIPTORS)) {
                scrub(list, known);
            }
            if (!settings.has(DeidentificationOption.RETAIN_UIDS)) {
                remapUids(list, settings.projectKey());
            }
            pseudonymise(list, settings.projectKey(), patientId);
            record(list, settings, burnedIn.blackedOut());
            return write(list, transferSyntax, part10.length);
        } catch (IOException | DicomException | RuntimeException e) {
            throw new DicomRejection(DicomRejection.Reason.NOT_DICOM,
                    "the instance could not be read for de-identification ("
                            + e.getClass().getSimpleName() + ")");
        }
    }

    private static AttributeList parse(byte[] part10) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        // compressed pixel data stays as it is: decoding would size images by the sender's values
        list.setDecompressPixelData(false);
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(part10))) {
            list.read(in);
        }
        return list;
    }

    /** What burned-in text means for an instance: nothing, blacked out, or the reason it is left out. */
    private record BurnedInText(boolean blackedOut, String excludedBecause) {
    }

    private static BurnedInText burnedInText(AttributeList list, ImageGeometry geometry, String transferSyntax,
            Settings settings) throws DicomException {
        String risk = burnedInRisk(list);
        if (risk == null) {
            return new BurnedInText(false, null);
        }
        if (settings.blackout().isEmpty()) {
            return new BurnedInText(false, risk);
        }
        if (!blackOut(list, geometry, transferSyntax, settings.blackout())) {
            return new BurnedInText(false, risk + "; its pixel data is compressed, so it cannot be blacked out");
        }
        return new BurnedInText(true, null);
    }

    /**
     * The profile's attribute table as the toolkit applies it, with what the options retain; modified dates are
     * shifted by the patient's keyed offset. Private attributes go, or only the known-safe ones stay.
     */
    private static void applyProfile(AttributeList list, Settings settings, String patientId) throws DicomException {
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        ClinicalTrialsAttributes.removeClinicalTrialsAttributes(list);
        boolean keepDescriptors = settings.has(DeidentificationOption.CLEAN_DESCRIPTORS);
        int handleDates = handleDates(settings);
        boolean modifyDates = handleDates == ClinicalTrialsAttributes.HandleDates.modify;
        Date epoch = modifyDates
                ? Date.from(REFERENCE.toInstant().minusSeconds(86_400L * shiftDays(settings, patientId)))
                : null;
        ClinicalTrialsAttributes.removeOrNullIdentifyingAttributes(list,
                ClinicalTrialsAttributes.HandleUIDs.keep, keepDescriptors, keepDescriptors, keepDescriptors,
                settings.has(DeidentificationOption.RETAIN_PATIENT_CHARACTERISTICS),
                settings.has(DeidentificationOption.RETAIN_DEVICE_IDENTITY),
                settings.has(DeidentificationOption.RETAIN_INSTITUTION_IDENTITY), handleDates, epoch,
                modifyDates ? REFERENCE : null,
                settings.has(DeidentificationOption.CLEAN_STRUCTURED_CONTENT)
                        ? ClinicalTrialsAttributes.HandleStructuredContent.modify
                        : ClinicalTrialsAttributes.HandleStructuredContent.remove);
        if (settings.has(DeidentificationOption.RETAIN_SAFE_PRIVATE)) {
            list.removeUnsafePrivateAttributes();
        } else {
            list.removePrivateAttributes();
        }
    }

    private static int handleDates(Settings settings) {
        return settings.has(DeidentificationOption.RETAIN_LONGITUDINAL_FULL_DATES)
                ? ClinicalTrialsAttributes.HandleDates.keep
                : settings.has(DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)
                        ? ClinicalTrialsAttributes.HandleDates.modify
                        : ClinicalTrialsAttributes.HandleDates.remove;
    }

    /** Patient ID and Name both become the patient's pseudonym in the project. */
    private static void pseudonymise(AttributeList list, byte[] key, String patientId) throws DicomException {
        String pseudonym = pseudonym(key, patientId);
        replace(list, new LongStringAttribute(TagFromName.PatientID), pseudonym);
        replace(list, new PersonNameAttribute(TagFromName.PatientName), pseudonym);
    }

    /** The Part 10 file: compressed pixel data in its own transfer syntax, native pixel data explicit VR LE. */
    private static Result write(AttributeList list, String transferSyntax, int sizeHint)
            throws DicomException, IOException {
        String sopClass = value(list, TagFromName.SOPClassUID);
        String sopInstance = value(list, TagFromName.SOPInstanceUID);
        String outputSyntax = Part10Reader.NATIVE.contains(transferSyntax)
                ? TransferSyntax.ExplicitVRLittleEndian
                : transferSyntax;
        FileMetaInformation.addFileMetaInformation(list, sopClass, sopInstance, outputSyntax, "IMAGEPORTAL");
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        list.write(out, outputSyntax, true, true);
        return new Result(out.toByteArray(), null, value(list, TagFromName.StudyInstanceUID),
                value(list, TagFromName.SeriesInstanceUID), sopInstance);
    }

    /** Why an instance may carry identifying text in its pixels, or null. */
    static String burnedInRisk(AttributeList list) {
        if ("YES".equalsIgnoreCase(value(list, TagFromName.BurnedInAnnotation))) {
            return "it is marked as having burned-in annotation";
        }
        if ("US".equals(value(list, TagFromName.Modality))) {
            return "ultrasound images often carry burned-in text";
        }
        String sopClass = value(list, TagFromName.SOPClassUID);
        if (sopClass.startsWith("1.2.840.10008.5.1.4.1.1.7")) {
            return "secondary capture images often carry burned-in text";
        }
        return null;
    }

    /** The pixel geometry checked as at ingest (null without pixel data): readers size buffers by it. */
    private static ImageGeometry geometry(AttributeList list, String transferSyntax) throws DicomRejection {
        Attribute pixels = list.get(TagFromName.PixelData);
        if (pixels == null) {
            return null;
        }
        long length = Part10Reader.NATIVE.contains(transferSyntax) ? pixels.getVL() : -1;
        return Part10Reader.checkGeometry(list, transferSyntax, new Part10Reader.PixelData(true, pixels
                .getVRAsString(), length), INGEST_LIMITS);
    }

    /** Zeroes the rectangles in every frame of native pixel data; false if the pixel data is compressed. */
    private static boolean blackOut(AttributeList list, ImageGeometry geometry, String syntax,
            List<Rectangle> rectangles) throws DicomException {
        Attribute pixels = list.get(TagFromName.PixelData);
        if (pixels == null || geometry == null || !Part10Reader.NATIVE.contains(syntax)) {
            return false;
        }
        boolean planar = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, 0) == 1;
        if (geometry.bitsAllocated() == 16) {
            short[] values = pixels.getShortValues();
            zero(values.length, geometry, planar, rectangles, i -> values[i] = 0);
            pixels.setValues(values);
        } else if (geometry.bitsAllocated() == 8) {
            byte[] values = pixels.getByteValues();
            zero(values.length, geometry, planar, rectangles, i -> values[i] = 0);
            pixels.setValues(values);
        } else {
            return false;
        }
        replace(list, new com.pixelmed.dicom.CodeStringAttribute(TagFromName.BurnedInAnnotation), "NO");
        return true;
    }

    /** Calls {@code clear} with the index of every sample inside a rectangle, in the frames the value holds. */
    private static void zero(int length, ImageGeometry g, boolean planar, List<Rectangle> rectangles,
            IntConsumer clear) {
        long plane = g.framePixels();
        long frameSize = plane * g.samples();
        long frames = Math.min(g.frames(), length / frameSize);
        for (long f = 0; f < frames; f++) {
            for (Rectangle r : rectangles) {
                long bottom = Math.min(g.rows(), (long) r.y() + r.height());
                long right = Math.min(g.columns(), (long) r.x() + r.width());
                for (long y = Math.max(0, r.y()); y < bottom; y++) {
                    for (long x = Math.max(0, r.x()); x < right; x++) {
                        for (int s = 0; s < g.samples(); s++) {
                            long index = planar
                                    ? f * frameSize + s * plane + y * g.columns() + x
                                    : f * frameSize + (y * g.columns() + x) * g.samples() + s;
                            if (index < length) {
                                clear.accept((int) index);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The patient's identifiers as they appear in text: name parts, IDs, birth date, accession number. */
    private static List<String> knownIdentifiers(AttributeList list) {
        List<String> known = new ArrayList<>();
        for (String part : value(list, TagFromName.PatientName).split("[\\^= ]+")) {
            if (part.length() >= 2) {
                known.add(part);
            }
        }
        for (AttributeTag tag : List.of(TagFromName.PatientID, TagFromName.PatientBirthDate,
                TagFromName.AccessionNumber, TagFromName.OtherPatientIDs)) {
            String v = value(list, tag);
            if (v.length() >= 2) {
                known.add(v);
            }
        }
        return known;
    }

    /** Takes the known identifiers out of every text attribute that was kept, recursively. */
    private static void scrub(AttributeList list, List<String> known) throws DicomException {
        for (Iterator<Attribute> it = list.values().iterator(); it.hasNext();) {
            Attribute a = it.next();
            if (a instanceof SequenceAttribute sequence) {
                for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                    scrub(sequence.getItem(i).getAttributeList(), known);
                }
                continue;
            }
            byte[] vr = a.getVR();
            if (ValueRepresentation.isLongStringVR(vr) || ValueRepresentation.isShortStringVR(vr)
                    || ValueRepresentation.isShortTextVR(vr) || ValueRepresentation.isLongTextVR(vr)
                    || ValueRepresentation.isUnlimitedTextVR(vr)) {
                scrubText(a, known);
            }
        }
    }

    /** Each value of a text attribute with the known identifiers replaced; rewritten only if one was found. */
    private static void scrubText(Attribute a, List<String> known) throws DicomException {
        String[] values = a.getStringValues();
        if (values == null) {
            return;
        }
        boolean changed = false;
        for (int i = 0; i < values.length; i++) {
            String cleaned = values[i];
            for (String identifier : known) {
                cleaned = cleaned.replaceAll("(?i)" + java.util.regex.Pattern.quote(identifier), "XXXX");
            }
            changed |= !cleaned.equals(values[i]);
            values[i] = cleaned;
        }
        if (changed) {
            a.removeValues();
            for (String v : values) {
                a.addValue(v);
            }
        }
    }

    /** Replaces every non-standard UID, recursively, by a keyed 2.25 UID. */
    private static void remapUids(AttributeList list, byte[] key) throws DicomException {
        for (Attribute a : list.values()) {
            if (a instanceof SequenceAttribute sequence) {
                for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                    remapUids(sequence.getItem(i).getAttributeList(), key);
                }
                continue;
            }
            if (ValueRepresentation.isUniqueIdentifierVR(a.getVR())) {
                String[] values = a.getStringValues();
                if (values == null || values.length == 0) {
                    continue;
                }
                a.removeValues();
                for (String uid : values) {
                    a.addValue(uid.startsWith("1.2.840.10008.") ? uid : remapUid(key, uid));
                }
            }
        }
    }

    static String remapUid(byte[] key, String uid) {
        byte[] digest = hmac(key, "uid:" + uid);
        return "2.25." + new BigInteger(1, Arrays.copyOf(digest, 16));
    }

    static String pseudonym(byte[] key, String patientId) {
        byte[] digest = hmac(key, "patient:" + patientId);
        return "ANON-" + new BigInteger(1, Arrays.copyOf(digest, 8)).toString(36).toUpperCase(Locale.ROOT);
    }

    private static long shiftDays(Settings settings, String patientId) {
        byte[] digest = hmac(settings.projectKey(), "dates:" + patientId);
        return 365 + Math.floorMod(new BigInteger(1, Arrays.copyOf(digest, 8)).longValue(), 3285);
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }

    /** Patient Identity Removed, the method in words and as codes: the profile, its options, Clean Pixel Data. */
    private static void record(AttributeList list, Settings settings, boolean blackedOut) throws DicomException {
        replace(list, new com.pixelmed.dicom.CodeStringAttribute(TagFromName.PatientIdentityRemoved), "YES");
        list.remove(TagFromName.DeidentificationMethod);
        list.remove(TagFromName.DeidentificationMethodCodeSequence);
        LongStringAttribute method = new LongStringAttribute(TagFromName.DeidentificationMethod);
        method.addValue("PS3.15 Annex E Basic Profile");
        for (DeidentificationOption option : settings.options()) {
            method.addValue(option.name());
        }
        if (blackedOut) {
            method.addValue("burned-in text blacked out");
        }
        list.put(method);
        SequenceAttribute codes = new SequenceAttribute(TagFromName.DeidentificationMethodCodeSequence);
        codes.addItem(new CodedSequenceItem(BASIC_PROFILE, "DCM", "Basic Application Confidentiality Profile")
                .getAttributeList());
        for (DeidentificationOption option : settings.options()) {
            codes.addItem(new CodedSequenceItem(option.code(), "DCM", option.meaning()).getAttributeList());
        }
        if (blackedOut) {
            codes.addItem(new CodedSequenceItem(CLEAN_PIXEL_DATA, "DCM", "Clean Pixel Data Option").getAttributeList());
        }
        list.put(codes);
    }

    private static void replace(AttributeList list, Attribute attribute, String value) throws DicomException {
        list.remove(attribute.getTag());
        attribute.addValue(value);
        list.put(attribute);
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }

}
