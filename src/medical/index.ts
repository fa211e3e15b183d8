// Public API of the DICOM core (reading, pixel pipeline, metadata, series, volumes, tensors).
// De-identification, DICOMweb and datasets export their own API from their modules.
export { DicomError } from './errors';
export { readDicom, decodeDicom, DicomImage, fullRange } from './image';
export type { ReadOptions, WindowedOptions } from './image';
export { parseDicom } from './parse';
export type { ParsedDicom, ParseOptions } from './parse';
export { transferSyntax } from './transferSyntax';
export type { TransferSyntax, PixelEncoding } from './transferSyntax';
export { MAX_PIXELS_PER_READ } from './pixelData';
export type { PixelInfo, StoredPixels } from './pixelData';
export { applyModalityLut, readModalityLut } from './modalityLut';
export type { ModalityLut } from './modalityLut';
export { applyWindow, applyVoiTable, invertInPlace, readVoi } from './voiLut';
export type { OutputRange, VoiFunction, VoiInfo, WindowSpec } from './voiLut';
export { WINDOW_PRESETS, isWindowPreset, resolveWindow } from './presets';
export type { VoiWindow, WindowPreset } from './presets';
export { applyPalette, ybrFullToRgb } from './color';
export { dumpTags, readMetadata } from './metadata';
export type { DicomMetadata, TagEntry } from './metadata';
export { isPhiTag, phiAction, normalizeTag } from './phiTags';
export { lookupTag } from './dictionary';
export { DicomSeries, groupSeries, readSeriesFolder } from './series';
export type { FolderReadResult, SeriesGeometry, SliceGap } from './series';
export { DicomVolume } from './volume';
export type { SliceAxis, VolumeSlice } from './volume';
export { toTensor } from './tensor';
export type { Normalization, TensorOptions } from './tensor';
