/** Labelled CSV files (`text,label[,group]`, label 1 = hoax) for training and evaluation. */
import { readCsvRecords } from './resources';
import type { TrainingRow } from './model';

export function readLabelledCsv(file: string): TrainingRow[] {
  return readCsvRecords(file).map((record, i) => {
    const label = (record.label ?? '').trim();
    if (label !== '0' && label !== '1')
      throw new Error(`${file}: row ${i + 2} has label "${label}", expected 0 or 1`);
    return {
      text: record.text ?? '',
      label: label === '1' ? 1 : 0,
      ...(record.group ? { group: record.group } : {}),
    };
  });
}
