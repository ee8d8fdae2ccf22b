package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.imageportal.dicom.Deidentifier.Rectangle;
import org.imageportal.dicom.Deidentifier.Result;
import org.imageportal.dicom.Deidentifier.Settings;
import org.junit.jupiter.api.Test;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

/**
 * De-identification by PS3.15 Annex E, checked with an independent reader (dcmtk's dcmdump of the output): a study
 * carrying PHI in every category (names, identifiers, dates, addresses, descriptions, nested sequences, private
 * attributes) keeps none of it; each option keeps exactly what it names; pseudonyms and UIDs are keyed by the
 * project; instances with burned-in text are left out, or blacked out when rectangles are given.
 */
class DeidentifierTest {

    private static final byte[] KEY = "project-key-for-teaching-file-2026-0001".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_KEY = "project-key-for-another-research-project".getBytes(StandardCharsets.UTF_8);
    private static final String STUDY_UID = "1.2.826.0.1.3680043.9.7777.1.1";
    private static final String SERIES_UID = "1.2.826.0.1.3680043.9.7777.1.2";
    private static final String FRAME_UID = "1.2.826.0.1.3680043.9.7777.1.4";
    /** Every value here identifies the patient, the staff or the place. */
    private static final List<String> PHI = List.of("Doe", "Jane", "MRN-778899", "ACC-55443", "19610412", "20250312",
            "1.2.826.0.1.3680043.9.7777.1.3", "Elm Street", "Springfield", "555-0199", "SN-DEVICE-123", "CTROOM7",
            "RP-321", "ALT-4455",
            "Secret", "Referrer", "Operator", "Smith", STUDY_UID, SERIES_UID, FRAME_UID, "StudyNo-88");

    private static byte[] phiRich(String sopUid, String studyDate, String modality, String burnedIn) throws Exception {
        AttributeList list = new AttributeList();
        TestDicom.put(list, TagFromName.SOPClassUID, SOPClass.CTImageStorage);
        TestDicom.put(list, TagFromName.SOPInstanceUID, sopUid);
        TestDicom.put(list, TagFromName.StudyInstanceUID, STUDY_UID);
        TestDicom.put(list, TagFromName.SeriesInstanceUID, SERIES_UID);
        TestDicom.put(list, TagFromName.FrameOfReferenceUID, FRAME_UID);
        TestDicom.put(list, TagFromName.PatientName, "Doe^Jane^Q");
        TestDicom.put(list, TagFromName.PatientID, "MRN-778899");
        TestDicom.put(list, TagFromName.OtherPatientIDs, "ALT-4455");
        TestDicom.put(list, TagFromName.PatientBirthDate, "19610412");
        TestDicom.put(list, TagFromName.PatientSex, "F");
        TestDicom.put(list, TagFromName.PatientAge, "063Y");
        TestDicom.put(list, TagFromName.PatientWeight, "71.5");
        TestDicom.put(list, TagFromName.PatientAddress, "12 Elm Street, Springfield");
        TestDicom.put(list, TagFromName.PatientTelephoneNumbers, "555-0199");
        TestDicom.put(list, TagFromName.PatientMotherBirthName, "Smith^Mary");
        TestDicom.put(list, TagFromName.StudyDate, studyDate);
        TestDicom.put(list, TagFromName.SeriesDate, studyDate);
        TestDicom.put(list, TagFromName.ContentDate, studyDate);
        TestDicom.put(list, TagFromName.StudyTime, "101500");
        TestDicom.put(list, TagFromName.AccessionNumber, "ACC-55443");
        TestDicom.put(list, TagFromName.StudyID, "StudyNo-88");
        TestDicom.put(list, TagFromName.ReferringPhysicianName, "Referrer^Rita");
        TestDicom.put(list, TagFromName.OperatorsName, "Operator^Olaf");
        TestDicom.put(list, TagFromName.InstitutionName, "Springfield General");
        TestDicom.put(list, TagFromName.InstitutionAddress, "1 Hospital Road, Springfield");
        TestDicom.put(list, TagFromName.StationName, "CTROOM7");
        TestDicom.put(list, TagFromName.DeviceSerialNumber, "SN-DEVICE-123");
        TestDicom.put(list, TagFromName.StudyDescription, "CT chest for Jane Doe MRN-778899");
        TestDicom.put(list, TagFromName.SeriesDescription, "axial Doe");
        TestDicom.put(list, TagFromName.ImageComments, "follow-up of Jane, born 19610412");
        TestDicom.put(list, TagFromName.Modality, modality);
        if (burnedIn != null) {
            TestDicom.put(list, TagFromName.BurnedInAnnotation, burnedIn);
        }
        // nested: a request with its procedure id and a description naming the patient
        SequenceAttribute request = new SequenceAttribute(TagFromName.RequestAttributesSequence);
        AttributeList item = new AttributeList();
        TestDicom.put(item, TagFromName.RequestedProcedureID, "RP-321");
        TestDicom.put(item, TagFromName.ScheduledProcedureStepDescription, "CT for Jane Doe");
        request.addItem(item);
        list.put(request);
        // private: a vendor block with the patient's name in it
        Attribute creator = new com.pixelmed.dicom.LongStringAttribute(new AttributeTag(0x0009, 0x0010));
        creator.addValue("ACME 1.0");
        list.put(creator);
        Attribute secret = new com.pixelmed.dicom.LongStringAttribute(new AttributeTag(0x0009, 0x1001));
        secret.addValue("Secret Jane Doe");
        list.put(secret);
        short[] pixels = new short[64];
        java.util.Arrays.fill(pixels, (short) 1000);
        return TestDicom.monochromePart10(list, 8, pixels);
    }

    private static byte[] phiRich() throws Exception {
        return phiRich("1.2.826.0.1.3680043.9.7777.1.3", "20250312", "CT", null);
    }

    private static Result deidentify(byte[] input, Set<DeidentificationOption> options) throws Exception {
        return Deidentifier.deidentify(input, new Settings(options, KEY, List.of()));
    }

    /** dcmdump's view of the whole output, nested sequences and private attributes included. */
    private static String dump(byte[] part10) throws Exception {
        Path file = Files.createTempFile("deid", ".dcm");
        try {
            Files.write(file, part10);
            Process p = new ProcessBuilder("dcmdump", "--print-all", file.toString())
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(text).isZero();
            return text;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static AttributeList read(byte[] part10) throws Exception {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(part10))) {
            list.read(in);
        }
        return list;
    }

    private static String value(byte[] part10, AttributeTag tag) throws Exception {
        return Attribute.getSingleStringValueOrEmptyString(read(part10), tag);
    }

    @Test
    void noOriginalPhiValueSurvivesTheBasicProfile() throws Exception {
        byte[] input = phiRich();
        // the input really carries it all (so the check below can fail)
        assertThat(dump(input)).contains(PHI);
        Result result = deidentify(input, Set.of());
        assertThat(result.excluded()).isFalse();
        String dump = dump(result.part10());
        for (String phi : PHI) {
            assertThat(dump).as("'%s' survived", phi).doesNotContain(phi);
        }
        assertThat(dump).containsPattern("\\(0012,0062\\) CS \\[YES\\]").contains("113100");
        assertThat(value(result.part10(), TagFromName.PatientID)).startsWith("ANON-");
        assertThat(value(result.part10(), TagFromName.PatientWeight)).isEmpty();
        assertThat(value(result.part10(), TagFromName.StudyDescription)).isEmpty();
    }

    @Test
    void eachOptionKeepsWhatItNamesAndNothingElse() throws Exception {
        byte[] input = phiRich();
        byte[] full = deidentify(input, Set.of(DeidentificationOption.RETAIN_LONGITUDINAL_FULL_DATES)).part10();
        assertThat(value(full, TagFromName.StudyDate)).isEqualTo("20250312");
        assertThat(dump(full)).doesNotContain("Jane", "MRN-778899", "Springfield").contains("113106");

        byte[] characteristics = deidentify(input, Set.of(DeidentificationOption.RETAIN_PATIENT_CHARACTERISTICS))
                .part10();
        assertThat(value(characteristics, TagFromName.PatientSex)).isEqualTo("F");
        assertThat(value(characteristics, TagFromName.PatientWeight)).isEqualTo("71.5");
        assertThat(value(characteristics, TagFromName.StudyDate)).isNotEqualTo("20250312");
        assertThat(dump(characteristics)).doesNotContain("Jane", "CTROOM7");

        byte[] device = deidentify(input, Set.of(DeidentificationOption.RETAIN_DEVICE_IDENTITY)).part10();
        assertThat(value(device, TagFromName.DeviceSerialNumber)).isEqualTo("SN-DEVICE-123");
        assertThat(value(device, TagFromName.StationName)).isEqualTo("CTROOM7");
        assertThat(dump(device)).doesNotContain("Springfield", "Jane");

        byte[] institution = deidentify(input, Set.of(DeidentificationOption.RETAIN_INSTITUTION_IDENTITY)).part10();
        assertThat(value(institution, TagFromName.InstitutionName)).isEqualTo("Springfield General");
        assertThat(dump(institution)).doesNotContain("SN-DEVICE-123", "Jane", "Elm Street");

        byte[] uids = deidentify(input, Set.of(DeidentificationOption.RETAIN_UIDS)).part10();
        assertThat(value(uids, TagFromName.StudyInstanceUID)).isEqualTo(STUDY_UID);
        assertThat(dump(uids)).doesNotContain("Jane", "MRN-778899");

        byte[] descriptors = deidentify(input, Set.of(DeidentificationOption.CLEAN_DESCRIPTORS)).part10();
        assertThat(value(descriptors, TagFromName.StudyDescription)).isEqualTo("CT chest for XXXX XXXX XXXX");
        assertThat(value(descriptors, TagFromName.SeriesDescription)).isEqualTo("axial XXXX");
        assertThat(dump(descriptors)).doesNotContain("Jane", "Doe", "MRN-778899", "19610412");

        // modified dates: shifted, the same way for every study of the patient in the project
        byte[] first = deidentify(input, Set.of(DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)).part10();
        byte[] later = deidentify(phiRich("1.2.826.0.1.3680043.9.7777.2.3", "20250412", "CT", null),
                Set.of(DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)).part10();
        java.time.LocalDate a = java.time.LocalDate.parse(value(first, TagFromName.StudyDate),
                java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        java.time.LocalDate b = java.time.LocalDate.parse(value(later, TagFromName.StudyDate),
                java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        assertThat(a).isNotEqualTo(java.time.LocalDate.of(2025, 3, 12));
        assertThat(java.time.temporal.ChronoUnit.DAYS.between(a, b)).isEqualTo(31);
    }

    @Test
    void pseudonymsAndUidsAreKeyedByTheProject() throws Exception {
        byte[] input = phiRich();
        Result once = deidentify(input, Set.of());
        Result again = deidentify(input, Set.of());
        Result elsewhere = Deidentifier.deidentify(input, new Settings(Set.of(), OTHER_KEY, List.of()));
        assertThat(again.newStudyUid()).isEqualTo(once.newStudyUid()).isNotEqualTo(STUDY_UID)
                .startsWith("2.25.");
        assertThat(value(again.part10(), TagFromName.PatientID)).isEqualTo(value(once.part10(),
                TagFromName.PatientID));
        assertThat(elsewhere.newStudyUid()).isNotEqualTo(once.newStudyUid());
        assertThat(value(elsewhere.part10(), TagFromName.PatientID)).isNotEqualTo(value(once.part10(),
                TagFromName.PatientID));
        // the SOP class is a standard UID and stays
        assertThat(value(once.part10(), TagFromName.SOPClassUID)).isEqualTo(SOPClass.CTImageStorage);
    }

    @Test
    void burnedInTextIsLeftOutByDefaultAndBlackedOutWhenConfigured() throws Exception {
        byte[] marked = phiRich("1.2.826.0.1.3680043.9.7777.3.3", "20250312", "CT", "YES");
        Result left = deidentify(marked, EnumSet.noneOf(DeidentificationOption.class));
        assertThat(left.excluded()).isTrue();
        assertThat(left.excludedBecause()).contains("burned-in");
        assertThat(deidentify(phiRich("1.2.826.0.1.3680043.9.7777.3.4", "20250312", "US", null), Set.of())
                .excludedBecause()).contains("ultrasound");

        Result cleaned = Deidentifier.deidentify(marked, new Settings(Set.of(), KEY, List.of(new Rectangle(0, 0, 4,
                2))));
        assertThat(cleaned.excluded()).isFalse();
        AttributeList list = read(cleaned.part10());
        short[] pixels = list.get(TagFromName.PixelData).getShortValues();
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertThat(pixels[y * 8 + x]).as("pixel %d,%d", x, y).isEqualTo((short) (x < 4 && y < 2 ? 0 : 1000));
            }
        }
        assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.BurnedInAnnotation)).isEqualTo("NO");
        assertThat(dump(cleaned.part10())).contains("113101");
    }
}
