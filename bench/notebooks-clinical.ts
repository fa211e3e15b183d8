// Runs the clinical notebooks (02 pneumonia, 05 explain and audit) in full mode with the real radnb CLI, once
// per seed, and records their key figures (each run's, and their spread) and run time in
// bench/results/notebooks-clinical.json, beside the
// published MedMNIST v2 figures for the same PneumoniaMNIST test split. 06 (DICOMweb) runs against a local
// Orthanc (Debian orthanc + orthanc-dicomweb) holding three phantom studies, as in its test.
//   node --import tsx bench/notebooks-clinical.ts [02|05|06 …]
import { withPhantomPacs } from '../test/support/orthanc';
import { recordFullModeRuns, type FullModeSpec } from './support/notebookRuns';

const MEDMNIST_V2_PNEUMONIA = {
  source: 'MedMNIST v2 (Yang et al. 2023, Scientific Data), PneumoniaMNIST test split, AUC / ACC',
  'ResNet-18 (28)': [0.944, 0.854],
  'ResNet-18 (224)': [0.956, 0.864],
  'ResNet-50 (224)': [0.962, 0.884],
  'Google AutoML Vision': [0.991, 0.946],
};

const FIGURES: Record<string, FullModeSpec> = {
  '02': {
    file: '02-pneumonia-xray.radnb',
    seeds: [7, 8, 9],
    figures: {
      test_auc: 'TEST AUC',
      ci_lower: 'CI LOWER',
      ci_upper: 'CI UPPER',
      test_accuracy: 'TEST ACCURACY',
      'accuracy_at_0.5': 'ACCURACY AT 0.5',
      val_auc: 'VAL AUC',
      member_test_auc_mean: 'MEMBER TEST AUC MEAN',
      member_test_auc_sd: 'MEMBER TEST AUC SD',
      networks: 'NETWORKS',
      epochs: 'EPOCHS',
      training_seconds: 'TRAINING SECONDS',
    },
  },
  '05': {
    file: '05-explain-and-audit.radnb',
    seeds: [5, 6, 7],
    figures: {
      model_test_auc: 'MODEL TEST AUC',
      'pointing_grad-cam': 'POINTING Grad-CAM',
      pointing_vanilla_gradient: 'POINTING vanilla_gradient',
      pointing_smoothgrad: 'POINTING SmoothGrad',
      pointing_occlusion: 'POINTING occlusion',
      sanity_spearman: 'SANITY SPEARMAN',
      audit_auc_gap: 'AUDIT AUC GAP',
      audit_specificity_gap: 'AUDIT SPECIFICITY GAP',
    },
  },
  '06': {
    file: '06-dicomweb.radnb',
    figures: { identifying_values_found: /identifying values looked for,/, phantom_test_auc: 'phantom test-split AUC' },
    around: (run) => withPhantomPacs(({ params }) => run(params)),
  },
};

recordFullModeRuns('notebooks-clinical', FIGURES, { reference: MEDMNIST_V2_PNEUMONIA }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
