import { useState } from 'react';
import { Button, Checkbox, Popover } from 'antd';
import { SettingOutlined } from '@ant-design/icons';
import type { TableColumnsType } from 'antd';
import { useI18n } from '../i18n';

/**
 * 列设置: which columns a table shows, chosen by the reader and kept in this browser per table
 * (localStorage), as Ant Design Pro's tables do. The first column (what a row is) always shows.
 */
export function useColumnChooser<Row>(tableId: string, columns: TableColumnsType<Row>) {
  const storageKey = `bangfu.columns.${tableId}`;
  const [hidden, setHidden] = useState<string[]>(() => {
    try {
      const saved: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
      return Array.isArray(saved) ? saved.filter((k): k is string => typeof k === 'string') : [];
    } catch {
      return [];
    }
  });
  const keyOf = (c: TableColumnsType<Row>[number]) => String(c.key);
  const choose = (next: string[]) => {
    setHidden(next);
    localStorage.setItem(storageKey, JSON.stringify(next));
  };
  const visible = columns.filter((c, i) => i === 0 || !hidden.includes(keyOf(c)));
  const chooser = <ColumnChooser columns={columns.map((c) => ({ key: keyOf(c), title: c.title }))} hidden={hidden} onChange={choose} />;
  return { visible, chooser };
}

function ColumnChooser({
  columns,
  hidden,
  onChange,
}: {
  columns: Array<{ key: string; title: unknown }>;
  hidden: string[];
  onChange: (hidden: string[]) => void;
}) {
  const { t } = useI18n();
  const shown = columns.map((c) => c.key).filter((k) => !hidden.includes(k));
  const content = (
    <Checkbox.Group
      className="column-chooser"
      value={shown}
      onChange={(keys) => onChange(columns.map((c) => c.key).filter((k) => !keys.includes(k)))}
      options={columns.map((c, i) => ({ value: c.key, label: c.title as string, disabled: i === 0 }))}
    />
  );
  return (
    <Popover content={content} trigger="click" placement="bottomRight" title={t.table.columns}>
      <Button icon={<SettingOutlined />} className="column-chooser-button">
        {t.table.columns}
      </Button>
    </Popover>
  );
}

/** The paging of a table whose pages the API cuts (`?page` `?pageSize`, the answer's `total`). */
export function serverPagination({ page, pageSize, total, totalText }: { page: number; pageSize: number; total: number; totalText: (n: number) => string }) {
  return { current: page, pageSize, total, showSizeChanger: true, pageSizeOptions: [10, 20, 50, 100], showTotal: totalText };
}
