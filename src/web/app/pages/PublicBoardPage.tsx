import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Empty, Flex, Form, Input, Modal, Result, Spin, Tag, Typography } from 'antd';
import { TranslationOutlined } from '@ant-design/icons';
import { formatFen } from '../../../domain/policies/money';
import { ZPublicObjectionBody } from '../../../http/schemas/public-objection-body';
import { api, ApiError, newRequestId } from '../api';
import { errorText } from '../errors';
import { formatInstant } from '../format';
import { fill, nameOf, useI18n, type TI18n } from '../i18n';
import { useApiGet } from '../use-api-get';
import { showFieldErrors, zodIssues, zodRule } from '../zod-form';

/** GET /api/public/counties/:countyCode/publicity, as the board reads it. */
interface TBoardItem {
  projectId: string;
  name: string;
  industry: string;
  village: string;
  township: string;
  implementer: string;
  budgetYuan: string;
  fiscalYuan: string;
  publicity: { kind: 'VILLAGE' | 'TOWNSHIP' | 'ACCEPTANCE'; startsAt: string; endsAt: string };
}
interface TBoard {
  county: { code: string; name: string };
  items: TBoardItem[];
}
type TObjectionForm = { name: string; phone: string; reason: string };
const FIELDS = ['name', 'phone', 'reason'] as const;

/** "300000.00" (exact yuan from the API) as the app shows money: ¥300,000.00. */
const yuan = (decimal: string) => formatFen(Number(decimal.replace('.', '')));

/** What a refusal of an objection means to a villager: the board's own words for the likely ones. */
function objectionErrorText(err: unknown, i18n: TI18n): string {
  if (err instanceof ApiError && err.code === 'TRANSITION_NOT_ALLOWED') return i18n.t.board.closed;
  if (err instanceof ApiError && err.code === 'RATE_LIMITED') return i18n.t.board.tooMany;
  return errorText(err, i18n);
}

/**
 * 公示栏: a county's projects in a publicity period, for anyone, without signing in (issue #18),
 * and the objection form. The form checks with the API's own schema before sending; the project
 * workflow decides whether the period is still open.
 */
export function PublicBoardPage({ countyCode }: { countyCode: string }) {
  const i18n = useI18n();
  const { t, lang, labels, setLang } = i18n;
  const [version, setVersion] = useState(0);
  const { data, error, loading } = useApiGet<TBoard>(`/api/public/counties/${encodeURIComponent(countyCode)}/publicity`, {}, i18n, version);
  const [objecting, setObjecting] = useState<TBoardItem>();
  const [received, setReceived] = useState<string>();

  return (
    <main className="public-board" id="main">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {data ? fill(t.board.county, { county: data.county.name }) : t.board.title}
        </Typography.Title>
        <Button icon={<TranslationOutlined />} lang={lang === 'zh' ? 'en' : 'zh-CN'} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t.switchTo}
        </Button>
      </Flex>
      {received ? (
        <Result
          status="success"
          title={t.board.received}
          subTitle={fill(t.board.receivedText, { project: received })}
          extra={
            <Button type="primary" onClick={() => (setReceived(undefined), setVersion((v) => v + 1))}>
              {t.board.back}
            </Button>
          }
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
            {t.board.intro}
          </Typography.Paragraph>
          {error && <Alert type="error" showIcon role="alert" message={error} />}
          {loading && !data ? (
            <Spin />
          ) : data && data.items.length === 0 ? (
            <Empty description={t.board.empty} />
          ) : (
            <Flex vertical gap={16}>
              {data?.items.map((item) => (
                <Card
                  key={item.projectId}
                  title={item.name}
                  extra={<Tag color="blue">{nameOf(labels.stage, `${item.publicity.kind}_PUBLICITY`)}</Tag>}
                  actions={[
                    <Button key="object" type="link" onClick={() => setObjecting(item)}>
                      {t.board.object}
                    </Button>,
                  ]}
                >
                  <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small">
                    <Descriptions.Item label={t.board.place}>{`${item.township} ${item.village}`}</Descriptions.Item>
                    <Descriptions.Item label={t.board.implementer}>{item.implementer}</Descriptions.Item>
                    <Descriptions.Item label={t.board.industry}>{item.industry}</Descriptions.Item>
                    <Descriptions.Item label={t.board.budget}>{yuan(item.budgetYuan)}</Descriptions.Item>
                    <Descriptions.Item label={t.board.fiscal}>{yuan(item.fiscalYuan)}</Descriptions.Item>
                    <Descriptions.Item label={t.board.period}>
                      {fill(t.board.periodRange, { start: formatInstant(item.publicity.startsAt, lang), end: formatInstant(item.publicity.endsAt, lang) })}
                    </Descriptions.Item>
                  </Descriptions>
                </Card>
              ))}
            </Flex>
          )}
        </>
      )}
      {objecting && (
        <ObjectionDialog item={objecting} onClose={() => setObjecting(undefined)} onLodged={() => (setReceived(objecting.name), setObjecting(undefined))} />
      )}
    </main>
  );
}

function ObjectionDialog({ item, onClose, onLodged }: { item: TBoardItem; onClose: () => void; onLodged: () => void }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const [form] = Form.useForm<TObjectionForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // One id per dialog: pressing submit again after a lost answer lodges the same objection once.
  const [requestId] = useState(newRequestId);
  const shape = ZPublicObjectionBody.shape;

  const submit = async (values: TObjectionForm) => {
    setError(undefined);
    const body = { ...values, requestId };
    if (showFieldErrors(form, zodIssues(ZPublicObjectionBody, body, lang), FIELDS)) return;
    setBusy(true);
    try {
      await api(`/api/public/projects/${encodeURIComponent(item.projectId)}/objections`, { method: 'POST', body });
      onLodged();
    } catch (err) {
      if (!(err instanceof ApiError && showFieldErrors(form, err.details, FIELDS))) setError(objectionErrorText(err, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title={fill(t.board.formTitle, { project: item.name })} onCancel={onClose} footer={null} destroyOnHidden>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(v: TObjectionForm) => void submit(v)}>
        <Form.Item label={t.board.name} name="name" rules={[zodRule(shape.name, lang)]}>
          <Input autoComplete="name" maxLength={30} />
        </Form.Item>
        <Form.Item label={t.board.phone} name="phone" extra={t.board.phoneHint} rules={[zodRule(shape.phone, lang)]}>
          <Input autoComplete="tel" inputMode="numeric" maxLength={11} />
        </Form.Item>
        <Form.Item label={t.board.reason} name="reason" extra={t.board.reasonHint} rules={[zodRule(shape.reason, lang)]}>
          <Input.TextArea rows={4} maxLength={1000} showCount />
        </Form.Item>
        <Typography.Paragraph type="secondary">{t.board.privacy}</Typography.Paragraph>
        <Flex gap={8} justify="end">
          <Button onClick={onClose}>{t.board.cancel}</Button>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t.board.submit}
          </Button>
        </Flex>
      </Form>
    </Modal>
  );
}
