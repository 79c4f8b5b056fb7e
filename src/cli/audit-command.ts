import type { TApi } from './api-client';
import { CliError, EXIT, type TExitCode } from './cli-error';
import { emit, renderTable, type TIo } from './output';
import type { TChainReport } from '../audit/verify-audit-chain';

/**
 * `bangfu audit verify`: the server recomputes the hash chain; a broken chain exits with its own
 * code (6) so a scheduled check can alert on it apart from an unreachable server (5).
 */
export async function verifyAudit({ api, io, anchor }: { api: TApi; io: TIo; anchor?: string }): Promise<TExitCode> {
  if (anchor !== undefined && !/^[1-9][0-9]{0,17}:[0-9a-f]{64}$/.test(anchor)) {
    throw new CliError(EXIT.USAGE, '--anchor takes <seq>:<hash> as printed by an earlier verify');
  }
  const report = await api.get<TChainReport>(`/api/audit/verify${anchor ? `?${new URLSearchParams({ anchor })}` : ''}`);
  const anchorLine = report.head?.hash ? `anchor for a later check: ${report.head.seq}:${report.head.hash}\n` : '';
  emit(io, report, () => {
    if (report.ok) return `audit chain intact: ${report.rows} rows\n${anchorLine}`;
    const { edited, deleted, inserted } = report.counts;
    const first = report.firstBreak!;
    return (
      `audit chain BROKEN: ${edited} edited, ${deleted} deleted, ${inserted} inserted (${report.rows} rows read)\n` +
      `first break: ${first.reason}${first.rowId ? ` at row ${first.rowId}` : ''}: ${first.message}\n\n` +
      renderTable(
        ['REASON', 'ROW', 'SEQ', 'WHAT'],
        report.breaks.map((b) => [b.reason, b.rowId, b.seq, b.message]),
      )
    );
  });
  return report.ok ? EXIT.OK : EXIT.TAMPERED;
}
