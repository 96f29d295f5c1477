import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useMoreList } from '../api/more';
import { renderApp } from '../test/render';
import { MoreButton } from './More';

const all = Array.from({ length: 45 }, (_, i) => `item ${i + 1}`);

function Harness() {
  const list = useMoreList(['things'], (limit, offset) => Promise.resolve({ items: all.slice(offset, offset + limit), total: all.length }), 20);
  return (
    <>
      <ul>{list.items.map((t) => <li key={t}>{t}</li>)}</ul>
      <MoreButton list={list} noun="things" />
    </>
  );
}

describe('MoreButton', () => {
  it('loads the rest of a list a page at a time, saying how much is shown', async () => {
    const user = userEvent.setup();
    renderApp(<Harness />);
    await user.click(await screen.findByRole('button', { name: 'Show more things (20 of 45)' }));
    await user.click(await screen.findByRole('button', { name: 'Show more things (40 of 45)' }));
    expect(await screen.findByText('item 45')).toBeInTheDocument();
    expect(screen.getAllByRole('listitem')).toHaveLength(45);
    expect(screen.queryByRole('button', { name: /Show more/ })).toBeNull();
  });
});
