import { MONITORING_LIST_COLUMNS } from '../../src/domain/households/household-register';

/** The 防返贫监测 list's header row, and one household row of it: 李大山 of 桃源村, a 监测户 since 2024-03-05. */
export const MONITORING_HEADER = MONITORING_LIST_COLUMNS.map((c) => c.header);
export type TMonitoringRow = Partial<Record<(typeof MONITORING_HEADER)[number], string>>;

export const monitoringRow = (over: TMonitoringRow = {}): string[] => {
  const base: Record<string, string> = {
    户编号: 'QS-HH-001',
    户主姓名: '李大山',
    所属村: '桃源村',
    家庭人口: '3',
    是否脱贫户: '是',
    是否监测户: '是',
    监测类型: '脱贫不稳定户',
    纳入监测日期: '2024-03-05',
    解除监测日期: '',
    家庭成员: '李大山/户主/110101198001011234;王小花/配偶/11010119820202567X;李小山/之子',
  };
  return MONITORING_HEADER.map((h) => ({ ...base, ...over })[h] ?? '');
};
