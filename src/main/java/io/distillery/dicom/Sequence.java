package io.distillery.dicom;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The items of an SQ element; each item knows its parent dataset (for the inherited Specific Character Set). */
public final class Sequence implements Iterable<Attributes> {
    private final Attributes parent;
    private final List<Attributes> items = new ArrayList<>();

    Sequence(Attributes parent) {
        this.parent = parent;
    }

    /** Appends and returns a new empty item. */
    public Attributes addItem() {
        Attributes item = new Attributes(parent);
        items.add(item);
        return item;
    }

    /** Appends a copy-free item; its parent becomes this sequence's dataset. */
    public void add(Attributes item) {
        item.setParent(parent);
        items.add(item);
    }

    public Attributes get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public void remove(int i) {
        items.remove(i);
    }

    @Override
    public Iterator<Attributes> iterator() {
        return items.iterator();
    }

    List<Attributes> list() {
        return items;
    }
}
