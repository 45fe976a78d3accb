import { describe, expect, it } from 'vitest';
import type { Notifier } from '../ports/notifier.ts';
import { notifyRecalibration, recalibrationMessage, type ClusterChangeNotice } from './notify-recalibration.ts';

const base: ClusterChangeNotice = {
  kind: 'cluster',
  clusterId: 'gpu-a',
  previousScope: 'notify',
  scope: 'escalate',
  driftStatus: 'recalibrate',
  ece: 0.1234,
  reasons: ['drift alarm'],
};

describe('recalibrationMessage', () => {
  it('headlines a retrain with the new bundle version and says the calibrator starts over', () => {
    const message = recalibrationMessage({
      ...base,
      recalibration: {
        status: 'maintained',
        steps: ['retrained', 'checkpointed'],
        bundleVersion: 3,
        reasons: ['retrained on 400 outcomes (40 long waits): bundle version 3 is active'],
      },
    });

    expect(message.subject).toBe('VGAC gpu-a: retrained (bundle v3)');
    expect(message.text).toContain('bundle version 3 is now active');
    expect(message.text).toContain('ECE at the check: 0.123; drift: recalibrate; scope: notify -> escalate.');
    expect(message.clusterId).toBe('gpu-a');
  });

  it('says a due retrain was not applied, with the maintenance note', () => {
    const note =
      'retrain due but not run: 120 outcomes of this epoch with 3 long waits in the log (needs 200, and 5 of each class)';
    const message = recalibrationMessage({
      ...base,
      recalibration: { status: 'maintained', steps: ['checkpointed'], bundleVersion: 1, reasons: [note] },
    });

    expect(message.subject).toBe('VGAC gpu-a: retrain not applied');
    expect(message.text).toContain(`A retrain was due but not applied: ${note}.`);
  });

  it('treats a checkpoint alone as routine: the headline is the scope change', () => {
    const message = recalibrationMessage({
      ...base,
      recalibration: {
        status: 'maintained',
        steps: ['checkpointed'],
        bundleVersion: 1,
        reasons: ['online calibrator checkpointed as version 2'],
      },
    });

    expect(message.subject).toBe('VGAC gpu-a: scope notify -> escalate');
  });

  it('falls back to the drift status when the scope did not change, and names an unmeasured ECE', () => {
    const message = recalibrationMessage({ ...base, previousScope: 'escalate', ece: null, reasons: [] });

    expect(message.subject).toBe('VGAC gpu-a: drift recalibrate');
    expect(message.text).toContain('ECE at the check: not measured yet');
    expect(message.text).not.toContain('Why:');
  });

  it('reports a failed check, and a failed step with its cause cut at 500 characters', () => {
    const checkFailed = recalibrationMessage({ ...base, error: 'table not found' });
    const stepFailed = recalibrationMessage({
      kind: 'failure',
      stage: 'Recalibrate',
      clusterId: 'gpu-a',
      error: { name: 'Vgac.Infrastructure', cause: 'x'.repeat(600) },
    });

    expect(checkFailed.subject).toBe('VGAC gpu-a: drift check failed');
    expect(stepFailed.subject).toBe('VGAC recalibration failed at Recalibrate (gpu-a)');
    expect(stepFailed.text).toContain(`Cause: ${'x'.repeat(500)}…`);
    expect(stepFailed.text).not.toContain('x'.repeat(501));
  });
});

describe('notifyRecalibration', () => {
  it('hands the message it built to the notifier and returns it', async () => {
    const sent: unknown[] = [];
    const notifier: Notifier = { notify: (message) => (sent.push(message), Promise.resolve()) };

    const message = await notifyRecalibration(notifier, base);

    expect(sent).toEqual([message]);
  });
});
