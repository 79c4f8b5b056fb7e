import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { createApi } from './api-client';
import { configPath, resolveConfig, saveConfig } from './cli-config';
import { CliError, EXIT, type TExitCode } from './cli-error';
import { emit, type TIo } from './output';
import { listProjects, showProject, startProjectsFromFile } from './projects-command';
import { actOnTask, listTasks } from './tasks-command';
import { verifyAudit } from './audit-command';
import { exportLedger, importEvaluations } from './ledger-commands';
import { importAssets, importHouseholds } from './ledger-import-command';

export const USAGE = `Usage: bangfu <command> [options]

  login --url <server> --token <token>     check a personal API token and save it
  projects list [--stage S] [--org-unit ID] [--industry I] [--year Y] [--grade G]
        [--risk-flag OPEN|CODE] [--search text] [--page N] [--page-size N]
  projects show <projectId>
  projects start --file proposals.json     start each proposal of a JSON array (safe to re-run)
  tasks list [--kind K] [--page N] [--page-size N]
  tasks act <taskId> --action <action> [--comment text] [--request-id id] [--wait record]
        actions: approve reject return resubmit transfer claim unclaim comment withdraw cc urge
        (return: --return-step <stepId> for an earlier step, else to the applicant;
         transfer: --to-user <userId>; cc: --recipients id1,id2;
         township review: --checks pass (all five checks passed) or a JSON object of the five;
         --wait record: answer once the decision is recorded, the project's stage following)
  evaluations import --file indicators.csv  submit 绩效评价 indicators, one row per project (safe to re-run);
        columns: projectId quantity quality timeliness cost economic social ecological
        sustainability satisfactionPercent budgetExecutionPercent [outcomeClass] [outcomeReason]
  assets import --file ledger.csv|ledger.xlsx [--dry-run]
        the county's 资产台账 of assets formed before the system (columns 资产编号 资产名称 资产类别
        资金来源 所属村 价值(元) 所有权人 管护人 坐落位置 产权证号): all rows or none; bad rows listed
        with row, column and code; a row already imported unchanged is skipped (safe to re-run)
  households import --file list.csv|list.xlsx [--dry-run]
        the county's 防返贫监测 list (columns 户编号 户主姓名 所属村 家庭人口 是否脱贫户 是否监测户
        监测类型 纳入监测日期 解除监测日期 家庭成员): all rows or none; a household already registered
        is unchanged or updated (the list is re-exported monthly); ID cards kept as their last 4
  export <payments|assets|distributions> [--project id] [--out file.csv]
        a ledger (台账) as CSV (UTF-8 with BOM, opens in Excel): one project or all you can see
  audit verify [--anchor seq:hash]        recompute the audit log's hash chain (ADMIN or MONITOR);
        --anchor: a head printed by an earlier verify, kept elsewhere, to detect a rewritten log

Options everywhere: --json (machine-readable output), --url and --token (override the saved login;
also BANGFU_URL and BANGFU_TOKEN). The login is saved in BANGFU_CONFIG or ~/.config/bangfu/config.json.

Exit codes: 0 ok, 1 usage or invalid input, 2 not signed in or not allowed, 3 not found,
4 refused (conflict, wrong state, rate limited), 5 server error or unreachable,
6 the audit log's hash chain is broken.
`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  url: { type: 'string' },
  token: { type: 'string' },
  file: { type: 'string' },
  action: { type: 'string' },
  comment: { type: 'string' },
  'request-id': { type: 'string' },
  'to-user': { type: 'string' },
  'return-step': { type: 'string' },
  recipients: { type: 'string' },
  checks: { type: 'string' },
  wait: { type: 'string' },
  stage: { type: 'string' },
  'org-unit': { type: 'string' },
  industry: { type: 'string' },
  year: { type: 'string' },
  grade: { type: 'string' },
  'risk-flag': { type: 'string' },
  search: { type: 'string' },
  kind: { type: 'string' },
  page: { type: 'string' },
  'page-size': { type: 'string' },
  anchor: { type: 'string' },
  project: { type: 'string' },
  out: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export interface TMainOptions {
  argv: string[];
  env: Record<string, string | undefined>;
  stdout: Writable;
  stderr: Writable;
}

/** Runs one command and returns its exit code; never calls process.exit, so it is testable in-process. */
export async function main({ argv, env, stdout, stderr }: TMainOptions): Promise<TExitCode> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return EXIT.USAGE;
  }
  const { values: flags, positionals } = parsed;
  const io: TIo = { stdout, stderr, json: flags.json ?? false };
  if (flags.help || positionals.length === 0) {
    (flags.help ? stdout : stderr).write(USAGE);
    return flags.help ? EXIT.OK : EXIT.USAGE;
  }
  try {
    return (await run(positionals, flags, env, io)) ?? EXIT.OK;
  } catch (err) {
    if (!(err instanceof CliError)) {
      stderr.write(`bangfu: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
      return EXIT.SERVER;
    }
    if (io.json) stdout.write(`${JSON.stringify({ error: err.apiError ?? { code: 'CLI_ERROR', message: err.message } }, null, 2)}\n`);
    stderr.write(`bangfu: ${err.message}\n`);
    if (err.exitCode === EXIT.USAGE && !err.apiError) stderr.write(`\n${USAGE}`);
    return err.exitCode;
  }
}

type TFlags = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function need(value: string | undefined, what: string): string {
  if (!value) throw new CliError(EXIT.USAGE, `missing ${what}`);
  return value;
}

async function run(positionals: string[], flags: TFlags, env: Record<string, string | undefined>, io: TIo): Promise<TExitCode | void> {
  const [group, verb, arg, ...rest] = positionals;
  if (rest.length > 0) throw new CliError(EXIT.USAGE, `unexpected arguments: ${rest.join(' ')}`);
  const api = async () => createApi(await resolveConfig(env, { url: flags.url, token: flags.token }));
  const paging = { page: flags.page, pageSize: flags['page-size'] };

  switch (`${group} ${verb ?? ''}`.trim()) {
    case 'login': {
      const config = { url: need(flags.url, '--url'), token: need(flags.token, '--token') };
      const me = await createApi(await resolveConfig({}, config)).get<{
        userId: string;
        displayName?: string;
        roles: Array<{ role: string; orgUnitId: string }>;
      }>('/api/me');
      const file = configPath(env);
      await saveConfig(file, config);
      emit(
        io,
        { ...me, configPath: file },
        () => `signed in as ${me.displayName ?? me.userId} (${me.roles.map((r) => `${r.role}@${r.orgUnitId}`).join(', ') || 'no roles'}); saved to ${file}\n`,
      );
      return;
    }
    case 'projects list':
      return listProjects({
        api: await api(),
        io,
        filters: {
          stage: flags.stage,
          orgUnitId: flags['org-unit'],
          industry: flags.industry,
          year: flags.year,
          grade: flags.grade,
          riskFlag: flags['risk-flag'],
          q: flags.search,
        },
        ...paging,
      });
    case 'projects show':
      return showProject({ api: await api(), io, id: need(arg, 'the project id') });
    case 'projects start':
      return startProjectsFromFile({ api: await api(), io, file: need(flags.file, '--file') });
    case 'tasks list':
      return listTasks({ api: await api(), io, kind: flags.kind, ...paging });
    case 'tasks act':
      return actOnTask({
        api: await api(),
        io,
        taskId: need(arg, 'the task id'),
        action: need(flags.action, '--action'),
        comment: flags.comment,
        requestId: flags['request-id'],
        extras: { toUser: flags['to-user'], returnStep: flags['return-step'], recipients: flags.recipients, checks: flags.checks },
        wait: flags.wait,
      });
    case 'evaluations import':
      return importEvaluations({ api: await api(), io, file: need(flags.file, '--file') });
    case 'assets import':
      return importAssets({ api: await api(), io, file: need(flags.file, '--file'), dryRun: flags['dry-run'] ?? false });
    case 'households import':
      return importHouseholds({ api: await api(), io, file: need(flags.file, '--file'), dryRun: flags['dry-run'] ?? false });
    case 'export payments':
    case 'export assets':
    case 'export distributions':
      return exportLedger({ api: await api(), io, ledger: verb!, projectId: flags.project, out: flags.out });
    case 'audit verify':
      return verifyAudit({ api: await api(), io, anchor: flags.anchor });
    default:
      throw new CliError(EXIT.USAGE, `unknown command: ${positionals.join(' ')}`);
  }
}
