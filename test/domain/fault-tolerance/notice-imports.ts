export { escapeHtml, formatYuan, renderWrittenNotice } from './imports';
export { start } from './fixtures';
