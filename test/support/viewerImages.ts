// Viewer images for the payload and renderer tests: real DICOM files of Debian packages, read by radnb's
// medical library.
import type { ViewerImage } from '../../src/common/viewer';
import { readDicom } from '../../src/medical';

export const CT_SMALL = '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm';
export const CT_ANKLE_512 = '/usr/share/octave/packages/dicom-0.5.1/imdata/CT-MONO2-16-ankle.dcm';

export async function readViewerImage(file: string): Promise<ViewerImage> {
  return (await readDicom(file)).toViewerImage();
}
