import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Taxonomy } from '../api/types';
import { MultiSelect } from './MultiSelect';

const tax: Taxonomy = {
  stages: [{ key: 'discovery', label: 'Discovery', order: 1 }, { key: 'evaluation', label: 'Evaluation', order: 2 }],
  personas: [], industries: [], products: [],
};

function setup() {
  const onChange = vi.fn();
  render(<MultiSelect tax={tax} facet="stages" value={['discovery']} onChange={onChange} ariaLabel="Stages of Guide" />);
  const summary = screen.getByLabelText(/^Stages of Guide/, { selector: 'summary' });
  return { onChange, summary, details: summary.closest('details')! };
}

describe('MultiSelect', () => {
  it('closes on Escape, saves the change once, and gives the focus back to its button', async () => {
    const { onChange, summary, details } = setup();
    await userEvent.click(summary);
    expect(details.open).toBe(true);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Evaluation' }));
    await userEvent.keyboard('{Escape}');
    expect(details.open).toBe(false);
    expect(summary).toHaveFocus();
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(['discovery', 'evaluation']));
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('closes on a click elsewhere without a change when nothing was ticked', async () => {
    const { onChange, summary, details } = setup();
    await userEvent.click(summary);
    await userEvent.click(document.body);
    expect(details.open).toBe(false);
    await new Promise((r) => { setTimeout(r, 20); });
    expect(onChange).not.toHaveBeenCalled();
  });
});
