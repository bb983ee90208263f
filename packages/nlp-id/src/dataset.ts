/** Labelled CSV files (`text,label[,group]`, label 1 = hoax) for training and evaluation. */
import { readCsvRecords } from './resources';
import type { TrainingRow } from './model';

export function readLabelledCsv(file: string): TrainingRow[] {
  return readCsvRecords(file, ['text', 'label']).map((record, i) => {
    const label = (record.label ?? '').trim();
    // 1 / 0 as written by hand, by pandas from a float column (1.0) or from a boolean one (True).
    const hoax = /^(1(\.0+)?|true)$/i.test(label) ? 1 : /^(0(\.0+)?|false)$/i.test(label) ? 0 : undefined;
    if (hoax === undefined) throw new Error(`${file}: row ${i + 2} has label "${label}", expected 0 or 1`);
    return {
      text: record.text ?? '',
      label: hoax,
      ...(record.group ? { group: record.group } : {}),
    };
  });
}
