import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { TabPanel, Tabs, useTabs } from './Tabs';
import { Modal } from './ui';

const items = [
  { key: 'a', label: 'Alpha' },
  { key: 'b', label: 'Beta' },
  { key: 'c', label: 'Gamma' },
] as const;

function Harness() {
  const [v, setV] = useState<'a' | 'b' | 'c'>('a');
  const ids = useTabs();
  return (
    <>
      <Tabs items={items} value={v} onChange={setV} label="Letters" ids={ids} />
      <TabPanel ids={ids} value={v}>Panel {v}</TabPanel>
    </>
  );
}

describe('Tabs', () => {
  it('is a tab list whose tabs control a labelled panel', () => {
    render(<Harness />);
    const list = screen.getByRole('tablist', { name: 'Letters' });
    const tabs = screen.getAllByRole('tab');
    expect(list).toContainElement(tabs[0]);
    expect(tabs.map((t) => t.getAttribute('tabindex'))).toEqual(['0', '-1', '-1']);
    const panel = screen.getByRole('tabpanel', { name: 'Alpha' });
    expect(panel).toHaveTextContent('Panel a');
    expect(tabs[0]).toHaveAttribute('aria-controls', panel.id);
  });

  it('moves and selects with the arrow keys, Home and End', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.tab();
    expect(screen.getByRole('tab', { name: 'Alpha' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Beta' })).toHaveFocus();
    expect(screen.getByRole('tab', { name: 'Beta' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tabpanel', { name: 'Beta' })).toHaveTextContent('Panel b');
    await user.keyboard('{End}');
    expect(screen.getByRole('tab', { name: 'Gamma' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Alpha' })).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{ArrowLeft}');
    expect(screen.getByRole('tab', { name: 'Gamma' })).toHaveFocus();
    await user.keyboard('{Home}');
    expect(screen.getByRole('tab', { name: 'Alpha' })).toHaveFocus();
    // Tab leaves the list for the panel: only the selected tab is in the Tab order.
    await user.tab();
    expect(screen.getByRole('tabpanel')).toHaveFocus();
  });
});

function ModalHarness() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button onClick={() => setOpen(true)}>Open</button>
      {open && (
        <Modal title="Edit" onClose={() => setOpen(false)}>
          <input aria-label="Name" />
          <button>Save</button>
        </Modal>
      )}
    </>
  );
}

describe('Modal', () => {
  it('keeps Tab inside and gives focus back to its opener on close', async () => {
    const user = userEvent.setup();
    render(<ModalHarness />);
    const opener = screen.getByRole('button', { name: 'Open' });
    await user.click(opener);
    const close = screen.getByRole('button', { name: 'Close' });
    const save = screen.getByRole('button', { name: 'Save' });
    save.focus();
    await user.tab();
    expect(close).toHaveFocus();
    await user.tab({ shift: true });
    expect(save).toHaveFocus();
    await user.click(close);
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(opener).toHaveFocus();
  });
});
