package org.vesalius.medical.dicom;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tags as {@code int}s ({@code group << 16 | element}) with their standard keywords, and the part of
 * the data dictionary this package needs: the VR of each listed tag, used to read Implicit VR datasets.
 * Tags not listed read as {@link VR#UN} in implicit VR (their bytes stay accessible); a sequence among
 * them is still recognised by its item structure.
 */
public final class Tag {
    public static final int FileMetaInformationGroupLength = 0x00020000;
    public static final int FileMetaInformationVersion = 0x00020001;
    public static final int MediaStorageSOPClassUID = 0x00020002;
    public static final int MediaStorageSOPInstanceUID = 0x00020003;
    public static final int TransferSyntaxUID = 0x00020010;
    public static final int ImplementationClassUID = 0x00020012;
    public static final int ImplementationVersionName = 0x00020013;
    public static final int SourceApplicationEntityTitle = 0x00020016;
    public static final int SpecificCharacterSet = 0x00080005;
    public static final int ImageType = 0x00080008;
    public static final int InstanceCreationDate = 0x00080012;
    public static final int InstanceCreationTime = 0x00080013;
    public static final int SOPClassUID = 0x00080016;
    public static final int SOPInstanceUID = 0x00080018;
    public static final int StudyDate = 0x00080020;
    public static final int SeriesDate = 0x00080021;
    public static final int AcquisitionDate = 0x00080022;
    public static final int ContentDate = 0x00080023;
    public static final int StudyTime = 0x00080030;
    public static final int SeriesTime = 0x00080031;
    public static final int AcquisitionTime = 0x00080032;
    public static final int ContentTime = 0x00080033;
    public static final int AccessionNumber = 0x00080050;
    public static final int Modality = 0x00080060;
    public static final int ConversionType = 0x00080064;
    public static final int Manufacturer = 0x00080070;
    public static final int InstitutionName = 0x00080080;
    public static final int ReferringPhysicianName = 0x00080090;
    public static final int StudyDescription = 0x00081030;
    public static final int SeriesDescription = 0x0008103E;
    public static final int ManufacturerModelName = 0x00081090;
    public static final int ProcedureCodeSequence = 0x00081032;
    public static final int ReferencedStudySequence = 0x00081110;
    public static final int ReferencedPerformedProcedureStepSequence = 0x00081111;
    public static final int ReferencedSeriesSequence = 0x00081115;
    public static final int ReferencedPatientSequence = 0x00081120;
    public static final int ReferencedImageSequence = 0x00081140;
    public static final int ReferencedSOPClassUID = 0x00081150;
    public static final int ReferencedSOPInstanceUID = 0x00081155;
    public static final int ReferencedSOPSequence = 0x00081199;
    public static final int SourceImageSequence = 0x00082112;
    public static final int AnatomicRegionSequence = 0x00082218;
    public static final int DerivationCodeSequence = 0x00089215;
    public static final int PatientName = 0x00100010;
    public static final int PatientID = 0x00100020;
    public static final int PatientBirthDate = 0x00100030;
    public static final int PatientSex = 0x00100040;
    public static final int PatientAge = 0x00101010;
    public static final int PatientSize = 0x00101020;
    public static final int PatientWeight = 0x00101030;
    public static final int BodyPartExamined = 0x00180015;
    public static final int ScanningSequence = 0x00180020;
    public static final int SliceThickness = 0x00180050;
    public static final int KVP = 0x00180060;
    public static final int RepetitionTime = 0x00180080;
    public static final int EchoTime = 0x00180081;
    public static final int InversionTime = 0x00180082;
    public static final int MagneticFieldStrength = 0x00180087;
    public static final int SpacingBetweenSlices = 0x00180088;
    public static final int SoftwareVersions = 0x00181020;
    public static final int ProtocolName = 0x00181030;
    public static final int ImagerPixelSpacing = 0x00181164;
    public static final int ConvolutionKernel = 0x00181210;
    public static final int FlipAngle = 0x00181314;
    public static final int PatientPosition = 0x00185100;
    public static final int StudyInstanceUID = 0x0020000D;
    public static final int SeriesInstanceUID = 0x0020000E;
    public static final int StudyID = 0x00200010;
    public static final int SeriesNumber = 0x00200011;
    public static final int AcquisitionNumber = 0x00200012;
    public static final int InstanceNumber = 0x00200013;
    public static final int PatientOrientation = 0x00200020;
    public static final int ImagePositionPatient = 0x00200032;
    public static final int ImageOrientationPatient = 0x00200037;
    public static final int FrameOfReferenceUID = 0x00200052;
    public static final int PositionReferenceIndicator = 0x00201040;
    public static final int SliceLocation = 0x00201041;
    public static final int FrameContentSequence = 0x00209111;
    public static final int PlanePositionSequence = 0x00209113;
    public static final int PlaneOrientationSequence = 0x00209116;
    public static final int DimensionIndexValues = 0x00209157;
    public static final int DimensionOrganizationSequence = 0x00209221;
    public static final int DimensionIndexSequence = 0x00209222;
    public static final int SamplesPerPixel = 0x00280002;
    public static final int PhotometricInterpretation = 0x00280004;
    public static final int PlanarConfiguration = 0x00280006;
    public static final int NumberOfFrames = 0x00280008;
    public static final int FrameIncrementPointer = 0x00280009;
    public static final int Rows = 0x00280010;
    public static final int Columns = 0x00280011;
    public static final int PixelSpacing = 0x00280030;
    public static final int BitsAllocated = 0x00280100;
    public static final int BitsStored = 0x00280101;
    public static final int HighBit = 0x00280102;
    public static final int PixelRepresentation = 0x00280103;
    public static final int SmallestImagePixelValue = 0x00280106;
    public static final int LargestImagePixelValue = 0x00280107;
    public static final int PixelPaddingValue = 0x00280120;
    public static final int WindowCenter = 0x00281050;
    public static final int WindowWidth = 0x00281051;
    public static final int RescaleIntercept = 0x00281052;
    public static final int RescaleSlope = 0x00281053;
    public static final int RescaleType = 0x00281054;
    public static final int WindowCenterWidthExplanation = 0x00281055;
    public static final int RedPaletteColorLookupTableDescriptor = 0x00281101;
    public static final int GreenPaletteColorLookupTableDescriptor = 0x00281102;
    public static final int BluePaletteColorLookupTableDescriptor = 0x00281103;
    public static final int RedPaletteColorLookupTableData = 0x00281201;
    public static final int GreenPaletteColorLookupTableData = 0x00281202;
    public static final int BluePaletteColorLookupTableData = 0x00281203;
    public static final int LossyImageCompression = 0x00282110;
    public static final int LossyImageCompressionRatio = 0x00282112;
    public static final int LossyImageCompressionMethod = 0x00282114;
    public static final int ModalityLUTSequence = 0x00283000;
    public static final int LUTDescriptor = 0x00283002;
    public static final int LUTExplanation = 0x00283003;
    public static final int ModalityLUTType = 0x00283004;
    public static final int LUTData = 0x00283006;
    public static final int VOILUTSequence = 0x00283010;
    public static final int PixelMeasuresSequence = 0x00289110;
    public static final int FrameVOILUTSequence = 0x00289132;
    public static final int PixelValueTransformationSequence = 0x00289145;
    public static final int RequestAttributesSequence = 0x00400275;
    public static final int SegmentSequence = 0x00620002;
    public static final int DoseUnits = 0x30040002;
    public static final int DoseType = 0x30040004;
    public static final int DoseSummationType = 0x3004000A;
    public static final int GridFrameOffsetVector = 0x3004000C;
    public static final int DoseGridScaling = 0x3004000E;
    public static final int ReferencedRTPlanSequence = 0x300C0002;
    public static final int ReferencedStructureSetSequence = 0x300C0060;
    public static final int SharedFunctionalGroupsSequence = 0x52009229;
    public static final int PerFrameFunctionalGroupsSequence = 0x52009230;
    public static final int ExtendedOffsetTable = 0x7FE00001;
    public static final int ExtendedOffsetTableLengths = 0x7FE00002;
    public static final int FloatPixelData = 0x7FE00008;
    public static final int DoubleFloatPixelData = 0x7FE00009;
    public static final int PixelData = 0x7FE00010;
    public static final int DigitalSignaturesSequence = 0xFFFAFFFA;
    public static final int DataSetTrailingPadding = 0xFFFCFFFC;

    /** Item, item delimitation and sequence delimitation tags (no VR). */
    public static final int Item = 0xFFFEE000;
    public static final int ItemDelimitationItem = 0xFFFEE00D;
    public static final int SequenceDelimitationItem = 0xFFFEE0DD;

    private static final String[] TABLE = {
        "00020000 UL FileMetaInformationGroupLength",
        "00020001 OB FileMetaInformationVersion",
        "00020002 UI MediaStorageSOPClassUID",
        "00020003 UI MediaStorageSOPInstanceUID",
        "00020010 UI TransferSyntaxUID",
        "00020012 UI ImplementationClassUID",
        "00020013 SH ImplementationVersionName",
        "00020016 AE SourceApplicationEntityTitle",
        "00080005 CS SpecificCharacterSet",
        "00080008 CS ImageType",
        "00080012 DA InstanceCreationDate",
        "00080013 TM InstanceCreationTime",
        "00080016 UI SOPClassUID",
        "00080018 UI SOPInstanceUID",
        "00080020 DA StudyDate",
        "00080021 DA SeriesDate",
        "00080022 DA AcquisitionDate",
        "00080023 DA ContentDate",
        "00080030 TM StudyTime",
        "00080031 TM SeriesTime",
        "00080032 TM AcquisitionTime",
        "00080033 TM ContentTime",
        "00080050 SH AccessionNumber",
        "00080060 CS Modality",
        "00080064 CS ConversionType",
        "00080070 LO Manufacturer",
        "00080080 LO InstitutionName",
        "00080090 PN ReferringPhysicianName",
        "00081030 LO StudyDescription",
        "0008103E LO SeriesDescription",
        "00081090 LO ManufacturerModelName",
        "00081032 SQ ProcedureCodeSequence",
        "00081110 SQ ReferencedStudySequence",
        "00081111 SQ ReferencedPerformedProcedureStepSequence",
        "00081115 SQ ReferencedSeriesSequence",
        "00081120 SQ ReferencedPatientSequence",
        "00081140 SQ ReferencedImageSequence",
        "00081150 UI ReferencedSOPClassUID",
        "00081155 UI ReferencedSOPInstanceUID",
        "00081199 SQ ReferencedSOPSequence",
        "00082112 SQ SourceImageSequence",
        "00082218 SQ AnatomicRegionSequence",
        "00089215 SQ DerivationCodeSequence",
        "00100010 PN PatientName",
        "00100020 LO PatientID",
        "00100030 DA PatientBirthDate",
        "00100040 CS PatientSex",
        "00101010 AS PatientAge",
        "00101020 DS PatientSize",
        "00101030 DS PatientWeight",
        "00180015 CS BodyPartExamined",
        "00180020 CS ScanningSequence",
        "00180050 DS SliceThickness",
        "00180060 DS KVP",
        "00180080 DS RepetitionTime",
        "00180081 DS EchoTime",
        "00180082 DS InversionTime",
        "00180087 DS MagneticFieldStrength",
        "00180088 DS SpacingBetweenSlices",
        "00181020 LO SoftwareVersions",
        "00181030 LO ProtocolName",
        "00181164 DS ImagerPixelSpacing",
        "00181210 SH ConvolutionKernel",
        "00181314 DS FlipAngle",
        "00185100 CS PatientPosition",
        "0020000D UI StudyInstanceUID",
        "0020000E UI SeriesInstanceUID",
        "00200010 SH StudyID",
        "00200011 IS SeriesNumber",
        "00200012 IS AcquisitionNumber",
        "00200013 IS InstanceNumber",
        "00200020 CS PatientOrientation",
        "00200032 DS ImagePositionPatient",
        "00200037 DS ImageOrientationPatient",
        "00200052 UI FrameOfReferenceUID",
        "00201040 LO PositionReferenceIndicator",
        "00201041 DS SliceLocation",
        "00209111 SQ FrameContentSequence",
        "00209113 SQ PlanePositionSequence",
        "00209116 SQ PlaneOrientationSequence",
        "00209157 UL DimensionIndexValues",
        "00209221 SQ DimensionOrganizationSequence",
        "00209222 SQ DimensionIndexSequence",
        "00280002 US SamplesPerPixel",
        "00280004 CS PhotometricInterpretation",
        "00280006 US PlanarConfiguration",
        "00280008 IS NumberOfFrames",
        "00280009 AT FrameIncrementPointer",
        "00280010 US Rows",
        "00280011 US Columns",
        "00280030 DS PixelSpacing",
        "00280100 US BitsAllocated",
        "00280101 US BitsStored",
        "00280102 US HighBit",
        "00280103 US PixelRepresentation",
        "00280106 US SmallestImagePixelValue",
        "00280107 US LargestImagePixelValue",
        "00280120 US PixelPaddingValue",
        "00281050 DS WindowCenter",
        "00281051 DS WindowWidth",
        "00281052 DS RescaleIntercept",
        "00281053 DS RescaleSlope",
        "00281054 LO RescaleType",
        "00281055 LO WindowCenterWidthExplanation",
        "00281101 US RedPaletteColorLookupTableDescriptor",
        "00281102 US GreenPaletteColorLookupTableDescriptor",
        "00281103 US BluePaletteColorLookupTableDescriptor",
        "00281201 OW RedPaletteColorLookupTableData",
        "00281202 OW GreenPaletteColorLookupTableData",
        "00281203 OW BluePaletteColorLookupTableData",
        "00282110 CS LossyImageCompression",
        "00282112 DS LossyImageCompressionRatio",
        "00282114 CS LossyImageCompressionMethod",
        "00283000 SQ ModalityLUTSequence",
        "00283002 US LUTDescriptor",
        "00283003 LO LUTExplanation",
        "00283004 LO ModalityLUTType",
        "00283006 OW LUTData",
        "00283010 SQ VOILUTSequence",
        "00289110 SQ PixelMeasuresSequence",
        "00289132 SQ FrameVOILUTSequence",
        "00289145 SQ PixelValueTransformationSequence",
        "00400275 SQ RequestAttributesSequence",
        "00620002 SQ SegmentSequence",
        "30040002 CS DoseUnits",
        "30040004 CS DoseType",
        "3004000A CS DoseSummationType",
        "3004000C DS GridFrameOffsetVector",
        "3004000E DS DoseGridScaling",
        "300C0002 SQ ReferencedRTPlanSequence",
        "300C0060 SQ ReferencedStructureSetSequence",
        "52009229 SQ SharedFunctionalGroupsSequence",
        "52009230 SQ PerFrameFunctionalGroupsSequence",
        "7FE00001 OV ExtendedOffsetTable",
        "7FE00002 OV ExtendedOffsetTableLengths",
        "7FE00008 OF FloatPixelData",
        "7FE00009 OD DoubleFloatPixelData",
        "7FE00010 OW PixelData",
        "FFFAFFFA SQ DigitalSignaturesSequence",
        "FFFCFFFC OB DataSetTrailingPadding",
    };

    private static final Map<Integer, VR> VRS = new HashMap<>();
    private static final Map<Integer, String> KEYWORDS = new HashMap<>();
    private static final Map<String, Integer> BY_KEYWORD = new HashMap<>();

    static {
        for (String row : TABLE) {
            String[] f = row.split(" ");
            int tag = (int) Long.parseLong(f[0], 16);
            VRS.put(tag, VR.valueOf(f[1]));
            KEYWORDS.put(tag, f[2]);
            BY_KEYWORD.put(f[2], tag);
        }
    }

    private Tag() {
    }

    /** The dictionary VR of a tag; {@code UL} for group lengths, {@code null} when not in the dictionary. */
    public static VR vrOf(int tag) {
        VR vr = VRS.get(tag);
        if (vr == null && (tag & 0xFFFF) == 0) {
            return VR.UL;
        }
        return vr;
    }

    /** The keyword of a tag (e.g. {@code PatientName}), or {@code null} when not in the dictionary. */
    public static String keyword(int tag) {
        return KEYWORDS.get(tag);
    }

    /**
     * The tag of a keyword ({@code "Rows"}) or of a hex string ({@code "00280010"}, {@code "(0028,0010)"}).
     * @throws IllegalArgumentException when it is neither
     */
    public static int forName(String name) {
        Integer t = BY_KEYWORD.get(name);
        if (t != null) {
            return t;
        }
        String hex = name.replaceAll("[(),\\s]", "");
        if (hex.matches("[0-9A-Fa-f]{8}")) {
            return (int) Long.parseLong(hex, 16);
        }
        throw new IllegalArgumentException("unknown DICOM keyword or tag '" + name
                + "': use a keyword of the dictionary in Tag (e.g. PatientName) or 8 hex digits (00100010)");
    }

    /** {@code (gggg,eeee)}. */
    public static String toString(int tag) {
        return String.format(Locale.ROOT, "(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }

    /** {@code (gggg,eeee) Keyword} when the keyword is known. */
    public static String describe(int tag) {
        String k = keyword(tag);
        return k == null ? toString(tag) : toString(tag) + " " + k;
    }
}
