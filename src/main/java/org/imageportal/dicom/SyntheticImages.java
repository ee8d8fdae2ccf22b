package org.imageportal.dicom;

import java.io.ByteArrayOutputStream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedShortAttribute;

/**
 * Synthetic images of made-up people, for a demonstration installation: a cross-section phantom (body outline,
 * organs, a bone ring) that changes from slice to slice, so a viewer shows something recognisable. Every byte
 * follows from the description, so writing the same slice twice gives the same file (which lets a seeding step run
 * again without storing anything twice). Never for real patients.
 */
public final class SyntheticImages {

    /** What one slice says about itself; dates YYYYMMDD, times HHMMSS. */
    public record Slice(Kind kind, PatientIdentity patient, String studyUid, String studyDate, String studyTime,
            String studyDescription, String accessionNumber, String seriesUid, int seriesNumber,
            String seriesDescription, String bodyPart, String sopInstanceUid, int instanceNumber, int size) {
    }

    /** The kinds of image a demonstration needs. */
    public enum Kind {

        CT(SOPClass.CTImageStorage, "CT"), MR(SOPClass.MRImageStorage,
                "MR"), DX(SOPClass.DigitalXRayImageStorageForPresentation, "DX");

        private final String sopClassUid;
        private final String modality;

        Kind(String sopClassUid, String modality) {
            this.sopClassUid = sopClassUid;
            this.modality = modality;
        }
    }

    private SyntheticImages() {
    }

    /** The slice as a Part 10 file, explicit VR little endian, 12 bits stored in 16. */
    public static byte[] part10(Slice s) {
        try {
            AttributeList list = new AttributeList();
            put(list, TagFromName.SpecificCharacterSet, "ISO_IR 100");
            put(list, TagFromName.SOPClassUID, s.kind().sopClassUid);
            put(list, TagFromName.SOPInstanceUID, s.sopInstanceUid());
            put(list, TagFromName.StudyInstanceUID, s.studyUid());
            put(list, TagFromName.SeriesInstanceUID, s.seriesUid());
            put(list, TagFromName.PatientID, s.patient().patientId());
            put(list, TagFromName.IssuerOfPatientID, s.patient().issuer());
            put(list, TagFromName.PatientName, s.patient().name());
            put(list, TagFromName.PatientBirthDate, s.patient().birthDate());
            put(list, TagFromName.PatientSex, s.patient().sex());
            put(list, TagFromName.StudyDate, s.studyDate());
            put(list, TagFromName.StudyTime, s.studyTime());
            put(list, TagFromName.SeriesDate, s.studyDate());
            put(list, TagFromName.ContentDate, s.studyDate());
            put(list, TagFromName.ContentTime, s.studyTime());
            put(list, TagFromName.AccessionNumber, s.accessionNumber());
            put(list, TagFromName.StudyDescription, s.studyDescription());
            put(list, TagFromName.StudyID, "1");
            put(list, TagFromName.ReferringPhysicianName, "Demo-Provider^Bob");
            put(list, TagFromName.Manufacturer, "Synthetic");
            put(list, TagFromName.Modality, s.kind().modality);
            put(list, TagFromName.SeriesNumber, Integer.toString(s.seriesNumber()));
            put(list, TagFromName.SeriesDescription, s.seriesDescription());
            put(list, TagFromName.BodyPartExamined, s.bodyPart());
            put(list, TagFromName.InstanceNumber, Integer.toString(s.instanceNumber()));
            put(list, TagFromName.PatientOrientation, "L\\P");
            boolean xray = s.kind() == Kind.DX;
            put(list, TagFromName.ImageType, xray ? "ORIGINAL\\PRIMARY" : "ORIGINAL\\PRIMARY\\AXIAL");
            double spacing = 350.0 / s.size();
            put(list, TagFromName.PixelSpacing, format(spacing) + "\\" + format(spacing));
            if (xray) {
                put(list, TagFromName.PresentationIntentType, "FOR PRESENTATION");
                put(list, TagFromName.ImagerPixelSpacing, format(spacing) + "\\" + format(spacing));
                put(list, TagFromName.PresentationLUTShape, "IDENTITY");
            } else {
                double z = 5.0 * (s.instanceNumber() - 1);
                put(list, TagFromName.SliceThickness, "5");
                put(list, TagFromName.SliceLocation, format(z));
                put(list, TagFromName.ImagePositionPatient, "-175\\-175\\" + format(z));
                put(list, TagFromName.ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
                put(list, TagFromName.FrameOfReferenceUID, s.seriesUid() + ".1");
            }
            if (s.kind() == Kind.CT) {
                put(list, TagFromName.RescaleIntercept, "-1024");
                put(list, TagFromName.RescaleSlope, "1");
                put(list, TagFromName.WindowCenter, "40");
                put(list, TagFromName.WindowWidth, "400");
            } else {
                put(list, TagFromName.WindowCenter, "1200");
                put(list, TagFromName.WindowWidth, "2400");
            }
            put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
            unsignedShort(list, TagFromName.Rows, s.size());
            unsignedShort(list, TagFromName.Columns, s.size());
            unsignedShort(list, TagFromName.SamplesPerPixel, 1);
            unsignedShort(list, TagFromName.BitsAllocated, 16);
            unsignedShort(list, TagFromName.BitsStored, 12);
            unsignedShort(list, TagFromName.HighBit, 11);
            unsignedShort(list, TagFromName.PixelRepresentation, 0);
            OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
            pixels.setValues(phantom(s.size(), s.instanceNumber(), s.kind()));
            list.put(pixels);
            FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "PORTALDEMO");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            return out.toByteArray();
        } catch (java.io.IOException | DicomException e) {
            throw new IllegalStateException("the synthetic image could not be written", e);
        }
    }

    /**
     * Stored values (0..4095): air outside an ellipse of soft tissue, two darker lung-like lobes that grow with the
     * slice number, a bright ring of bone and a small bright spot, so consecutive slices differ visibly.
     */
    static short[] phantom(int size, int slice, Kind kind) {
        short[] out = new short[size * size];
        double growth = 0.12 + 0.03 * Math.min(slice, 8);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = (x - size / 2.0) / (size / 2.0);
                double v = (y - size / 2.0) / (size / 2.0);
                double body = (u * u) / 0.81 + (v * v) / 0.56;
                int value = 0;
                if (body <= 1) {
                    value = body > 0.86 ? 1400 : 1064;
                    double left = sq(u + 0.38) / growth + sq(v) / (growth * 2.2);
                    double right = sq(u - 0.38) / growth + sq(v) / (growth * 2.2);
                    if (left <= 1 || right <= 1) {
                        value = kind == Kind.CT ? 250 : 500;
                    }
                    if (sq(u) + sq(v + 0.5) <= 0.01) {
                        value = 2200;
                    }
                    if (sq(u - (0.1 * slice) % 0.5) + sq(v - 0.1) <= 0.004) {
                        value = 1800;
                    }
                    // a little texture, the same every time
                    value += ((x * 31 + y * 17 + slice * 7) % 23) - 11;
                }
                out[y * size + x] = (short) Math.max(0, Math.min(4095, value));
            }
        }
        return out;
    }

    private static double sq(double v) {
        return v * v;
    }

    private static String format(double value) {
        String text = String.format(java.util.Locale.ROOT, "%.4f", value);
        return text.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws DicomException {
        Attribute a = com.pixelmed.dicom.AttributeFactory.newAttribute(tag);
        a.addValue(value);
        list.put(a);
    }

    private static void unsignedShort(AttributeList list, AttributeTag tag, int value) throws DicomException {
        UnsignedShortAttribute a = new UnsignedShortAttribute(tag);
        a.addValue(value);
        list.put(a);
    }
}
