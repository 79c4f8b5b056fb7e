// A small dictionary: zh-CN by default, English on request (remembered in localStorage).
const DICT = {
  zh: {
    appTitle: '帮扶产业项目 · 审批工作台', skip: '跳到主要内容', lang: 'English', langCode: 'en',
    nav: { inbox: '待办', projects: '项目', newProject: '申报项目', dashboard: '统计看板', admin: '系统管理', account: '账户', logout: '退出' },
    login: { title: '登录', username: '用户名', password: '密码', submit: '登录', failed: '登录失败' },
    inbox: { title: '我的待办', pending: '待办', claimed: '我认领的', copied: '抄送我的', done: '已办', kind: '类型', org: '单位', due: '期限', all: '全部', overdueOnly: '已逾期', notOverdue: '未逾期', empty: '暂无事项', filter: '筛选', overdue: '已逾期', dueSoon: '即将到期', dueAt: '截止', open: '办理' },
    task: { title: '办理事项', summary: '项目概况', decide: '办理', action: '操作', comment: '意见', submit: '提交', noActions: '您目前不能对此事项进行操作。', done: '已提交：阶段 {before} → {after}', returnTo: '退回到', toApplicant: '申报人（村）', toStep: '之前的环节', stepId: '环节编号', toUserId: '转交给（用户ID）', position: '加签位置', before: '之前', after: '之后', signerUserId: '加签人（用户ID）', recipientIds: '抄送人（用户ID，逗号分隔）', status: '状态', commentRequired: '请填写意见（退回或不同意时必填）' },
    project: { timeline: '办理记录', stages: '阶段进程', money: '资金', budget: '预算', approved: '已批准', disbursed: '已拨付', funding: '资金来源', implementer: '实施主体', households: '带动农户', mechanism: '联农带农机制', targets: '绩效目标', meeting: '村民会议记录', openTasks: '当前待办', temporal: '在 Temporal UI 中查看流程', industry: '产业', village: '村', stage: '阶段', created: '申报时间', none: '无', notYet: '尚未拨付' },
    projects: { title: '项目', search: '名称搜索', industry: '产业', township: '乡镇', stage: '阶段', all: '全部', count: '共 {n} 个', empty: '没有符合条件的项目' },
    np: { title: '申报项目', name: '项目名称', industry: '产业', village: '村', budget: '预算（元）', sources: '资金来源', source: '来源', amount: '金额（元）', addSource: '添加资金来源', addTarget: '添加绩效目标', remove: '删除', implementer: '实施主体名称', creditCode: '统一社会信用代码（选填）', households: '带动农户数', mechanism: '联农带农机制', targets: '绩效目标', indicator: '指标', target: '目标值', meeting: '村民代表大会记录', year: '年度（选填）', submit: '提交申报', created: '已申报，项目进入乡镇审核', sumMismatch: '资金来源合计须等于预算', required: '必填' },
    admin: { title: '系统管理', tree: '组织机构', users: '用户', createUser: '新建用户', username: '用户名', displayName: '姓名', password: '初始密码（至少10位）', home: '所属单位', role: '角色', orgUnit: '单位', assign: '分配角色', reset: '重置密码', newPassword: '新密码（至少10位）', deactivate: '停用', deactivated: '已停用', active: '在用', confirmDeactivate: '确定停用该用户？其所有登录将失效。', search: '搜索用户', create: '创建', saved: '已保存', addUnit: '新增下级单位', unitName: '单位名称', parent: '上级单位', roles: '角色', actions: '操作', noRole: '（暂不分配）' },
    dash: { title: '统计看板', byStage: '各阶段项目数', funds: '各乡镇批准资金（万元）', overdue: '逾期待办（按乡镇）', overdueKind: '逾期待办（按类型）', oldest: '逾期最久的事项', year: '年度', org: '单位', approvedSeries: '已批准', requestedSeries: '申报总额', pending: '待办总数', overdueTotal: '逾期', data: '查看数据', noData: '暂无数据' },
    account: { title: '修改密码', current: '当前密码', next: '新密码（至少10位）', submit: '修改', done: '密码已修改' },
    common: { loading: '加载中…', error: '出错了', prev: '上一页', next: '下一页', page: '第 {p} 页', apply: '应用', yuan: '元', back: '返回' },
    stage: { PROPOSED: '申报', VILLAGE_PUBLICITY: '村公示', TOWNSHIP_REVIEW: '乡镇审核', TOWNSHIP_PUBLICITY: '乡镇公示', COUNTY_JOINT_REVIEW: '县级论证', COUNTY_APPROVAL: '县级审定', IN_POOL: '已入库', FUNDED: '资金已下达', RETURNED: '已退回', REJECTED: '未通过', WITHDRAWN: '已撤回' },
    kind: { TOWNSHIP_REVIEW: '乡镇审核', REVISE_AND_RESUBMIT: '退回修改' },
    status: { PENDING: '待办', DONE: '已办', CANCELLED: '已取消', WAITING: '等待中', SUSPENDED: '已暂停' },
    action: { approve: '通过', reject: '不同意', return: '退回', resubmit: '重新提交', transfer: '转交', add_signer: '加签', claim: '认领', unclaim: '取消认领', comment: '评论', withdraw: '撤回', cc: '抄送', urge: '催办' },
    audit: { PROJECT_PROPOSED: '提交申报', TASK_APPROVE: '通过', TASK_REJECT: '不同意', TASK_RETURN: '退回', TASK_RESUBMIT: '重新提交', TASK_TRANSFER: '转交', TASK_ADD_SIGNER: '加签', TASK_CLAIM: '认领', TASK_UNCLAIM: '取消认领', TASK_COMMENT: '评论', TASK_WITHDRAW: '撤回', TASK_CC: '抄送', TASK_URGE: '催办', TASK_DEADLINE_REMINDER: '到期提醒', TASK_DEADLINE_EXPIRED: '逾期升级', PUBLICITY_STARTED: '公示开始', PUBLICITY_PASSED: '公示期满无异议', OBJECTION_LODGED: '提出异议', PROJECT_RESUBMITTED: '修改后重新申报', PROJECT_IN_POOL: '入库', FUNDS_ALLOCATED: '资金下达' },
    role: { VILLAGE_COMMITTEE: '村"两委"', TOWNSHIP_REVIEWER: '乡镇审核', COUNTY_AGRICULTURE: '县农业农村局', COUNTY_FINANCE: '县财政局', COUNTY_LEADING_GROUP: '县领导小组', EXPERT: '专家/第三方', DISCIPLINE_INSPECTION: '纪检监察', IMPLEMENTER: '实施主体', MONITOR: '监测/审计', ADMIN: '管理员' },
    source: { CENTRAL_LINKAGE: '中央衔接资金', LOCAL: '地方财政', OWN_CAPITAL: '自筹', BANK_LOAN: '银行贷款', OTHER: '其他' },
    level: { COUNTY: '县', TOWNSHIP: '乡镇', VILLAGE: '村' },
  },
  en: {
    appTitle: 'Bangfu · Approvals', skip: 'Skip to main content', lang: '中文', langCode: 'zh',
    nav: { inbox: 'Inbox', projects: 'Projects', newProject: 'New project', dashboard: 'Dashboard', admin: 'Administration', account: 'Account', logout: 'Sign out' },
    login: { title: 'Sign in', username: 'Username', password: 'Password', submit: 'Sign in', failed: 'Sign-in failed' },
    inbox: { title: 'My tasks', pending: 'Pending', claimed: 'Claimed by me', copied: 'Copied to me', done: 'Done by me', kind: 'Type', org: 'Org unit', due: 'Due', all: 'All', overdueOnly: 'Overdue', notOverdue: 'Not overdue', empty: 'Nothing here', filter: 'Filter', overdue: 'Overdue', dueSoon: 'Due soon', dueAt: 'Due', open: 'Open' },
    task: { title: 'Task', summary: 'Project summary', decide: 'Decide', action: 'Action', comment: 'Comment', submit: 'Submit', noActions: 'You cannot act on this task now.', done: 'Done: stage {before} → {after}', returnTo: 'Return to', toApplicant: 'Applicant (village)', toStep: 'An earlier step', stepId: 'Step id', toUserId: 'Transfer to (user id)', position: 'Position', before: 'Before', after: 'After', signerUserId: 'Signer (user id)', recipientIds: 'Recipients (user ids, comma-separated)', status: 'Status', commentRequired: 'A comment is required to return or reject' },
    project: { timeline: 'Timeline', stages: 'Stages', money: 'Money', budget: 'Budget', approved: 'Approved', disbursed: 'Disbursed', funding: 'Funding sources', implementer: 'Implementer', households: 'Households', mechanism: 'Household linkage', targets: 'Performance targets', meeting: "Villagers' meeting", openTasks: 'Open tasks', temporal: 'Open the workflow in the Temporal UI', industry: 'Industry', village: 'Village', stage: 'Stage', created: 'Proposed', none: 'None', notYet: 'Nothing disbursed yet' },
    projects: { title: 'Projects', search: 'Search by name', industry: 'Industry', township: 'Township', stage: 'Stage', all: 'All', count: '{n} projects', empty: 'No matching projects' },
    np: { title: 'Propose a project', name: 'Project name', industry: 'Industry', village: 'Village', budget: 'Budget (yuan)', sources: 'Funding sources', source: 'Source', amount: 'Amount (yuan)', addSource: 'Add a funding source', addTarget: 'Add a target', remove: 'Remove', implementer: 'Implementer', creditCode: 'Credit code (optional)', households: 'Households linked', mechanism: 'Linkage mechanism', targets: 'Performance targets', indicator: 'Indicator', target: 'Target', meeting: "Villagers' meeting record", year: 'Fiscal year (optional)', submit: 'Submit proposal', created: 'Proposed; the project is now in township review', sumMismatch: 'Funding sources must add up to the budget', required: 'Required' },
    admin: { title: 'Administration', tree: 'Org units', users: 'Users', createUser: 'Create a user', username: 'Username', displayName: 'Name', password: 'Initial password (10+ chars)', home: 'Home unit', role: 'Role', orgUnit: 'Org unit', assign: 'Assign role', reset: 'Reset password', newPassword: 'New password (10+ chars)', deactivate: 'Deactivate', deactivated: 'Deactivated', active: 'Active', confirmDeactivate: 'Deactivate this user? All their sign-ins end.', search: 'Search users', create: 'Create', saved: 'Saved', addUnit: 'Add a sub-unit', unitName: 'Name', parent: 'Parent unit', roles: 'Roles', actions: 'Actions', noRole: '(none yet)' },
    dash: { title: 'Dashboard', byStage: 'Projects by stage', funds: 'Funds approved by township (10k yuan)', overdue: 'Overdue tasks by township', overdueKind: 'Overdue tasks by type', oldest: 'Longest overdue', year: 'Year', org: 'Org unit', approvedSeries: 'Approved', requestedSeries: 'Requested', pending: 'Pending tasks', overdueTotal: 'Overdue', data: 'Show data', noData: 'No data yet' },
    account: { title: 'Change password', current: 'Current password', next: 'New password (10+ chars)', submit: 'Change', done: 'Password changed' },
    common: { loading: 'Loading…', error: 'Error', prev: 'Previous', next: 'Next', page: 'Page {p}', apply: 'Apply', yuan: 'yuan', back: 'Back' },
    stage: { PROPOSED: 'Proposed', VILLAGE_PUBLICITY: 'Village publicity', TOWNSHIP_REVIEW: 'Township review', TOWNSHIP_PUBLICITY: 'Township publicity', COUNTY_JOINT_REVIEW: 'County joint review', COUNTY_APPROVAL: 'County approval', IN_POOL: 'In the pool', FUNDED: 'Funded', RETURNED: 'Returned', REJECTED: 'Rejected', WITHDRAWN: 'Withdrawn' },
    kind: { TOWNSHIP_REVIEW: 'Township review', REVISE_AND_RESUBMIT: 'Revise and resubmit' },
    status: { PENDING: 'Pending', DONE: 'Done', CANCELLED: 'Cancelled', WAITING: 'Waiting', SUSPENDED: 'Suspended' },
    action: { approve: 'Approve', reject: 'Reject', return: 'Return', resubmit: 'Resubmit', transfer: 'Transfer', add_signer: 'Add signer', claim: 'Claim', unclaim: 'Unclaim', comment: 'Comment', withdraw: 'Withdraw', cc: 'Copy to', urge: 'Urge' },
    audit: { PROJECT_PROPOSED: 'Proposed', TASK_APPROVE: 'Approved', TASK_REJECT: 'Rejected', TASK_RETURN: 'Returned', TASK_RESUBMIT: 'Resubmitted', TASK_TRANSFER: 'Transferred', TASK_ADD_SIGNER: 'Signer added', TASK_CLAIM: 'Claimed', TASK_UNCLAIM: 'Unclaimed', TASK_COMMENT: 'Comment', TASK_WITHDRAW: 'Withdrawn', TASK_CC: 'Copied', TASK_URGE: 'Urged', TASK_DEADLINE_REMINDER: 'Reminder', TASK_DEADLINE_EXPIRED: 'Escalated', PUBLICITY_STARTED: 'Publicity started', PUBLICITY_PASSED: 'Publicity passed', OBJECTION_LODGED: 'Objection lodged', PROJECT_RESUBMITTED: 'Resubmitted', PROJECT_IN_POOL: 'Entered the pool', FUNDS_ALLOCATED: 'Funds allocated' },
    role: { VILLAGE_COMMITTEE: 'Village committee', TOWNSHIP_REVIEWER: 'Township reviewer', COUNTY_AGRICULTURE: 'Agriculture bureau', COUNTY_FINANCE: 'Finance bureau', COUNTY_LEADING_GROUP: 'Leading group', EXPERT: 'Expert', DISCIPLINE_INSPECTION: 'Discipline inspection', IMPLEMENTER: 'Implementer', MONITOR: 'Monitor', ADMIN: 'Administrator' },
    source: { CENTRAL_LINKAGE: 'Central linkage funds', LOCAL: 'Local budget', OWN_CAPITAL: 'Own capital', BANK_LOAN: 'Bank loan', OTHER: 'Other' },
    level: { COUNTY: 'County', TOWNSHIP: 'Township', VILLAGE: 'Village' },
  },
};

export const lang = localStorage.getItem('bangfu-lang') === 'en' ? 'en' : 'zh';
document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';

export function setLang(code) {
  localStorage.setItem('bangfu-lang', code);
  location.reload();
}

/** t('inbox.title'), t('common.page', { p: 2 }); an unknown key shows its last part (e.g. a new stage code). */
export function t(key, vars = {}) {
  let v = key.split('.').reduce((o, k) => (o == null ? o : o[k]), DICT[lang]);
  if (typeof v !== 'string') v = key.split('.').pop();
  return v.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}
