// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { h } from 'vue';
import VirtualList from './VirtualList.vue';

describe('VirtualList', () => {
  it('renders a window of 10,000 rows, and moves it on scroll', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: `row-${i}` }));
    const wrapper = mount(VirtualList, {
      props: { items, rowHeight: 20, label: 'rows', itemKey: (item: unknown) => (item as { id: string }).id },
      slots: { default: ({ item }: { item: unknown }) => h('span', (item as { id: string }).id) },
    });
    const rendered = () => wrapper.findAll('[role="row"]').map((row) => row.text());
    expect(rendered().length).toBeLessThan(60);
    expect(rendered()[0]).toBe('row-0');
    const viewport = wrapper.get('.virtual-viewport');
    (viewport.element as HTMLElement).scrollTop = 100_000;
    await viewport.trigger('scroll');
    expect(rendered()).toContain('row-5000');
    expect(rendered()).not.toContain('row-0');
    expect(rendered().length).toBeLessThan(60);
  });
});
