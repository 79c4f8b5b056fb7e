import { useState } from 'react';
import { Alert, App, Button, Flex, Form, Input, Modal, Radio, Select, Typography } from 'antd';
import { ZDecisionBody } from '../../../http/schemas/decision-body';
import { formatFen } from '../../../domain/policies/money';
import { api, ApiError, newRequestId } from '../api';
import { errorText } from '../errors';
import { fill, useI18n } from '../i18n';
import type { TPerson, TWebTask } from '../task-types';
import { showFieldErrors, zodIssues } from '../zod-form';

/** DingTalk's order: the decisions first, then what hands the matter on, then the rest. */
const ORDER = ['approve', 'reject', 'return', 'transfer', 'add_signer', 'cc', 'resubmit', 'claim', 'unclaim', 'comment', 'urge', 'withdraw'] as const;
type TAction = (typeof ORDER)[number];
/** A reason is required: the API's rule for reject and return, and this app's for withdraw (it ends the matter). */
const REASON_REQUIRED = new Set<TAction>(['reject', 'return', 'withdraw']);
/** Actions whose body carries no comment at all (ZDecisionBody). */
const NO_COMMENT = new Set<TAction>(['claim', 'unclaim']);
/** Task kinds whose approval moves money or commits funds: asked to confirm, like reject and withdraw. */
const FUNDS_KINDS = new Set(['COUNTY_APPROVAL', 'PROJECT_CHANGE_APPROVAL']);
const FIELDS = ['comment', 'returnTo', 'stepId', 'toUserId', 'signer', 'position', 'recipientIds'] as const;

interface TValues {
  comment?: string;
  returnTo?: 'APPLICANT' | 'STEP';
  stepId?: string;
  toUserId?: string;
  signer?: string;
  position?: 'BEFORE' | 'AFTER';
  recipientIds?: string[];
}

function bodyFor(action: TAction, v: TValues): Record<string, unknown> {
  const body: Record<string, unknown> = { action, requestId: newRequestId() };
  const comment = v.comment?.trim();
  if (!NO_COMMENT.has(action) && (comment || action === 'comment')) body.comment = comment ?? '';
  if (action === 'return') body.returnTo = v.returnTo === 'STEP' ? { to: 'STEP', stepId: v.stepId } : { to: 'APPLICANT' };
  if (action === 'transfer') body.toUserId = v.toUserId;
  if (action === 'add_signer') Object.assign(body, { position: v.position, signer: { userId: v.signer } });
  if (action === 'cc') body.recipientIds = v.recipientIds ?? [];
  return body;
}

/** Where an issue of the body belongs on the form: `signer.userId` → signer, `returnTo.stepId` → stepId. */
const fieldOfPath = (path: string) => (path.endsWith('stepId') ? 'stepId' : path.split('.')[0]);

/** A searchable choice among the people the step would accept (the API's eligible list), by name; several for 抄送. */
function PersonSelect({
  people,
  multiple,
  ...rest
}: {
  people: TPerson[];
  multiple?: boolean;
  value?: string | string[];
  onChange?: (v: string | string[]) => void;
}) {
  const { t } = useI18n();
  return (
    <Select
      {...rest}
      mode={multiple ? 'multiple' : undefined}
      showSearch
      optionFilterProp="label"
      placeholder={t.decision.pickPerson}
      notFoundContent={t.decision.noPeople}
      options={people.map((p) => ({ value: p.userId, label: p.displayName }))}
    />
  );
}

/**
 * The decision bar at the bottom of a task (同意 / 拒绝 / 退回 / 转交 / 加签 / 抄送 …): exactly the
 * actions the server says are open now, none chosen in advance. Each opens a dialog asking for
 * what the action needs (a reason where one is required, a person from the eligible ones); the
 * body is checked by the API's own schema, and what cannot be undone is confirmed once more.
 */
export function DecisionBar({ task, onDone }: { task: TWebTask; onDone: () => void }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { modal, message } = App.useApp();
  const [form] = Form.useForm<TValues>();
  const [action, setAction] = useState<TAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const returnTo = Form.useWatch('returnTo', form);
  const actions = ORDER.filter((a) => task.actions.includes(a));

  const open = (a: TAction) => {
    form.resetFields();
    setError(undefined);
    setAction(a);
  };

  const confirmText = (a: TAction): string | null => {
    if (a === 'reject') return t.decision.confirmReject;
    if (a === 'withdraw') return t.decision.confirmWithdraw;
    if (a === 'approve' && task.payment)
      return fill(t.decision.confirmApprovePayment, { amount: formatFen(task.payment.amountFen), payee: task.payment.payeeId });
    if (a === 'approve' && FUNDS_KINDS.has(task.kind)) return t.decision.confirmApprove;
    return null;
  };
  const confirmed = (text: string) =>
    new Promise<boolean>((resolve) => {
      modal.confirm({
        title: t.decision.confirmTitle,
        content: (
          <>
            <Typography.Paragraph strong>{text}</Typography.Paragraph>
            <Typography.Paragraph type="secondary">{t.decision.irreversible}</Typography.Paragraph>
          </>
        ),
        okText: t.decision.confirmOk,
        cancelText: t.decision.cancel,
        okButtonProps: { danger: action !== 'approve' },
        onOk: () => resolve(true),
        onCancel: () => resolve(false),
      });
    });

  const submit = async () => {
    if (!action) return;
    const values = form.getFieldsValue();
    form.setFields(FIELDS.map((name) => ({ name, errors: [] })));
    setError(undefined);
    const body = bodyFor(action, values);
    const issues = zodIssues(ZDecisionBody, body, lang).map((i) => ({ path: fieldOfPath(i.path), message: i.message }));
    if (REASON_REQUIRED.has(action) && !values.comment?.trim()) issues.push({ path: 'comment', message: t.decision.reasonRequired });
    if (issues.length > 0) {
      showFieldErrors(form, issues, FIELDS);
      return;
    }
    const text = confirmText(action);
    if (text && !(await confirmed(text))) return;
    setBusy(true);
    try {
      await api(`/api/tasks/${encodeURIComponent(task.id)}/decision`, { method: 'POST', body });
      void message.success(fill(t.decision.done, { action: t.action[action] }));
      setAction(null);
      onDone();
    } catch (err) {
      const placed =
        err instanceof ApiError &&
        showFieldErrors(
          form,
          err.details.map((d) => ({ ...d, path: fieldOfPath(d.path.replace(/^body\./, '')) })),
          FIELDS,
        );
      if (!placed) setError(errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  };

  if (actions.length === 0) return <Typography.Text type="secondary">{t.decision.none}</Typography.Text>;
  const needsReason = action !== null && REASON_REQUIRED.has(action);
  return (
    <>
      <Flex wrap gap={8} role="toolbar" aria-label={t.decision.bar}>
        {actions.map((a) => (
          <Button key={a} type={a === 'approve' ? 'primary' : 'default'} danger={a === 'reject'} onClick={() => open(a)}>
            {t.action[a]}
          </Button>
        ))}
      </Flex>
      <Modal
        open={action !== null}
        title={action ? t.action[action] : ''}
        okText={t.decision.submit}
        cancelText={t.decision.cancel}
        confirmLoading={busy}
        onOk={() => void submit()}
        onCancel={() => setAction(null)}
        forceRender
      >
        {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" initialValues={{ returnTo: 'APPLICANT', position: 'AFTER' }}>
          {action === 'return' && (
            <>
              <Form.Item label={t.decision.returnTo} name="returnTo">
                <Radio.Group
                  options={[
                    { value: 'APPLICANT', label: t.decision.toApplicant },
                    ...(task.returnTargets?.length ? [{ value: 'STEP', label: t.decision.toStep }] : []),
                  ]}
                />
              </Form.Item>
              {returnTo === 'STEP' && (
                <Form.Item label={t.decision.step} name="stepId">
                  <Select options={(task.returnTargets ?? []).map((r) => ({ value: r.stepId, label: r.label ?? r.stepId }))} />
                </Form.Item>
              )}
            </>
          )}
          {action === 'transfer' && (
            <Form.Item label={t.decision.transferTo} name="toUserId">
              <PersonSelect people={task.transferTargets} />
            </Form.Item>
          )}
          {action === 'add_signer' && (
            <>
              <Form.Item label={t.decision.signer} name="signer">
                <PersonSelect people={task.signerTargets} />
              </Form.Item>
              <Form.Item label={t.decision.position} name="position">
                <Radio.Group
                  options={[
                    { value: 'BEFORE', label: t.decision.before },
                    { value: 'AFTER', label: t.decision.after },
                  ]}
                />
              </Form.Item>
            </>
          )}
          {action === 'cc' && (
            <Form.Item label={t.decision.recipients} name="recipientIds">
              <PersonSelect people={task.ccTargets} multiple />
            </Form.Item>
          )}
          {action && !NO_COMMENT.has(action) && (
            <Form.Item label={needsReason ? t.decision.reason : t.decision.comment} name="comment" required={needsReason}>
              <Input.TextArea rows={3} maxLength={2000} showCount placeholder={needsReason ? t.decision.reasonPlaceholder : t.decision.commentPlaceholder} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
