// A built-in worker's output as a test reads it: the reports it sent on the channel (with the
// given secret) apart from what a person sees.
import { decodeReport, REPORT_OSC, type WorkerReport } from '../../src/core/report-channel.js';

const REPORT_PATTERN = new RegExp(`\\x1b\\]${REPORT_OSC};([^\\x07]*)\\x07`, 'g');

export function splitReports(output: string, secret: string): { visible: string; reports: WorkerReport[] } {
  const reports: WorkerReport[] = [];
  const visible = output.replace(REPORT_PATTERN, (sequence, payload: string) => {
    const report = decodeReport(payload, secret);
    if (!report) return sequence;
    reports.push(report);
    return '';
  });
  return { visible, reports };
}
